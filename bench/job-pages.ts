/**
 * Job pages benchmark (issue 15): server time of what the job page and the jobs list ask for, with
 * 1,000 training jobs in the database, each with 500 steps of stored events (500 progress, 50 train
 * and 10 eval metrics: 560 rows, 560k in all), written straight into the tables
 * (tests/training-runs/seed-runs.ts). Target: p95 < 50 ms. Server time = the procedure called as the
 * HTTP handler calls it plus serializing its result, as in bench/records-page.ts: alone (one client,
 * what one request costs) and with 16 concurrent clients (what each waits behind the others).
 *   npx tsx bench/job-pages.ts [--requests 1000] [--clients 16]
 */
import fs from "node:fs";
import path from "node:path";
import { argValue, benchDatabase, concurrently, cpuProbeMs, latencyStats, printTable, ROOT } from "./harness";
import { seedTrainingRuns } from "../tests/training-runs/seed-runs";

const JOBS = 1000;
const STEPS = 500;
const DATASET = "bench-job-pages";

async function main() {
  const requests = Number(argValue("requests", "1000"));
  const clients = Number(argValue("clients", "16"));
  const bench = await benchDatabase();
  const logDirs: string[] = [];
  try {
    const { createCaller } = await import("../server/api/root");
    const { IN_PROCESS_ADMIN } = await import("../server/auth/roles");
    const { importFromPath } = await import("../server/services/imports");
    const { findDataset } = await import("../server/db/datasets");
    const { trainingJobDir } = await import("../server/jobs/kinds/training");
    const caller = createCaller({ db: bench.db, user: IN_PROCESS_ADMIN });
    const datasetId = (await findDataset(bench.db.pool, DATASET))?.id ?? (await importFromPath(bench.db.bulk, path.join(ROOT, "samples", "sentiment-reviews"), { name: DATASET })).datasetId;

    // A fresh set of jobs each run (the queue's own rows of other benchmarks stay).
    await bench.db.pool.query("DELETE FROM job WHERE kind = 'training' AND dataset_id = $1", [datasetId]);
    const seeding = performance.now();
    const { ids } = await seedTrainingRuns(bench.db.pool, { datasetId, count: JOBS, stepsPerRun: STEPS });
    await bench.db.pool.query("VACUUM ANALYZE job");
    await bench.db.pool.query("VACUUM ANALYZE job_event");
    console.error(`seeded ${JOBS} jobs with ${STEPS} steps of events in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
    const { rows } = await bench.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM job_event");
    const eventRows = rows[0]!.n;

    // A 4 MB log for 20 of them (a long run's log: the tail reads only its end).
    const line = `[trainer] step … loss 0.1234 learning_rate 1.9e-05 ${"x".repeat(60)}\n`;
    for (const id of ids.slice(0, 20)) {
      const dir = trainingJobDir(id);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "log.txt"), line.repeat(Math.ceil((4 * 2 ** 20) / line.length)));
      logDirs.push(dir);
    }
    const lastSeq = STEPS + STEPS / 10 + STEPS / 50;
    const pick = (i: number) => ids[(i * 7919) % ids.length]!;
    const scenarios: { name: string; call: (i: number) => Promise<unknown> }[] = [
      { name: "job page: first load (trainingRuns.get, 560 events)", call: (i) => caller.trainingRuns.get({ id: pick(i), after: 0, limit: 1000 }) },
      { name: "job page: a poll with the cursor at the end", call: (i) => caller.trainingRuns.get({ id: pick(i), after: lastSeq }) },
      { name: "job page: a poll with 1 new event", call: (i) => caller.trainingRuns.get({ id: pick(i), after: lastSeq - 1 }) },
      { name: "job page: log tail (200 lines of a 4 MB log)", call: (i) => caller.trainingRuns.log({ id: ids[i % 20]!, lines: 200 }) },
      { name: "jobs list: newest 200", call: () => caller.jobs.list({ limit: 200 }) },
      { name: "jobs list: dataset + state filter", call: () => caller.jobs.list({ datasetId, state: "running", limit: 200 }) },
      { name: "trainingRuns.list (100)", call: () => caller.trainingRuns.list({ limit: 100 }) },
      { name: "compare 2 runs", call: (i) => caller.trainingRuns.compare({ ids: [pick(i), pick(i + 1)] }) },
    ];
    const table: (string | number)[][] = [];
    for (const scenario of scenarios) {
      const once = async (i: number) => JSON.stringify(await scenario.call(i)).length;
      await concurrently(clients, clients, (i) => once(requests + i)); // warm-up round, not measured
      const alone = latencyStats(await concurrently(1, Math.min(requests, 300), once));
      const s = latencyStats(await concurrently(clients, requests, once));
      table.push([scenario.name, alone.p50, alone.p95, s.p50, s.p95, s.p99, alone.p95 < 50 && s.p95 < 50 ? "yes" : alone.p95 < 50 ? "alone only" : "NO"]);
      console.error(`${scenario.name}: p95 ${alone.p95.toFixed(1)} ms alone, ${s.p95.toFixed(1)} ms with ${clients} clients`);
    }
    const probe = `CPU probe ${cpuProbeMs()} ms`;
    printTable(`Job pages with ${JOBS.toLocaleString("en")} training jobs (${eventRows.toLocaleString("en")} event rows), ${clients} concurrent clients, ms (${probe})`, ["request", "1 client p50", "1 client p95", `${clients} clients p50`, `${clients} clients p95`, `${clients} clients p99`, "p95 < 50 ms"], table);
  } finally {
    for (const dir of logDirs) fs.rmSync(dir, { recursive: true, force: true });
    await bench.close();
  }
}

void main();
