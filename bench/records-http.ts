/**
 * Records page over HTTP (issue: close the open doors, item 9): the whole stack a browser goes
 * through (sockets, Next's route handling, tRPC's fetch adapter and batch link format, zod, the
 * query, JSON) measured from a load generator on the same machine, against `next start` built in
 * its own folder (STUDIO_NEXT_DIST=.next-bench) and pointed at the benchmark database.
 *
 * Scenarios (clients page with random keyset cursors, 50 records a page, as the record list's
 * infinite query asks for them: GET /api/trpc/records.list?batch=1&input={"0":{…}}):
 * - the stack alone: 32 clients paging the 120-record sentiment-reviews sample;
 * - a 300k-record classification dataset, 50 clients: alone, then while one more client re-requests
 *   full diagnostics of a classification task on the same dataset in a loop (read from the digests,
 *   as the task builder's default task does), then while that client loops on diagnostics that read
 *   every record (the OpenAI framework is not served by the digests): the heaviest CPU work a
 *   request can start. Target: p95 < 200 ms while diagnostics run.
 *
 *   npx tsx bench/records-http.ts [--requests 3000] [--port 3917] [--build]
 * --build rebuilds .next-bench first (needed after source changes).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { argValue, benchDatabase, concurrently, cpuProbeMs, generatedExport, latencyStats, printTable, ROOT } from "./harness";
import { findDataset } from "../server/db/datasets";
import { importFromPath } from "../server/imports";

const DIST = ".next-bench";
const BIG = "bench-http-300k";
const SMALL = "bench-http-sample";
const BIG_RECORDS = 300_000;

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** GET as the browser's httpBatchLink sends one query: `?batch=1&input={"0": input}`. */
function trpcGet(port: number, procedure: string, input: unknown, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  const query = `batch=1&input=${encodeURIComponent(JSON.stringify({ 0: input }))}`;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: `/api/trpc/${procedure}?${query}`, agent, signal, headers: { accept: "*/*" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

async function startServer(port: number, databaseUrl: string): Promise<ChildProcess> {
  const server = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: ROOT,
    env: { ...process.env, STUDIO_NEXT_DIST: DIST, DATABASE_URL: databaseUrl, NODE_ENV: "production" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited with code ${server.exitCode}`);
    try {
      const { status } = await trpcGet(port, "datasets.list", undefined);
      if (status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  server.kill();
  throw new Error("next start did not answer within 60 s");
}

interface PageScenario {
  name: string;
  dataset: string;
  records: number;
  clients: number;
  /** A looping client that re-requests diagnostics while the pages are measured. */
  diagnostics?: { framework: string };
}

async function main() {
  const requests = Number(argValue("requests", "3000"));
  const port = Number(argValue("port", "3917"));
  const bigExport = generatedExport("classification", BIG_RECORDS, "jsonl");
  const bench = await benchDatabase();
  let server: ChildProcess | undefined;
  try {
    if (!(await findDataset(bench.db.pool, BIG))) {
      console.error(`importing ${BIG}…`);
      await importFromPath(bench.db.pool, bigExport, { name: BIG });
      await bench.db.pool.query("VACUUM ANALYZE");
    }
    if (!(await findDataset(bench.db.pool, SMALL))) await importFromPath(bench.db.pool, path.join(ROOT, "samples", "sentiment-reviews"), { name: SMALL });
    if (process.argv.includes("--build") || !fs.existsSync(path.join(ROOT, DIST, "BUILD_ID"))) {
      console.error(`building the web app into ${DIST}…`);
      execFileSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { cwd: ROOT, env: { ...process.env, STUDIO_NEXT_DIST: DIST }, stdio: "inherit" });
    }
    server = await startServer(port, bench.url);
    const proxy = fs.existsSync(path.join(ROOT, "proxy.ts")) ? "proxy.ts present" : "no proxy.ts";

    const scenarios: PageScenario[] = [
      { name: "stack alone: 120-record sample", dataset: SMALL, records: 120, clients: 32 },
      { name: "300k records, alone", dataset: BIG, records: BIG_RECORDS, clients: 50 },
      { name: "300k records, diagnostics looping (digests)", dataset: BIG, records: BIG_RECORDS, clients: 50, diagnostics: { framework: "transformers" } },
      { name: "300k records, diagnostics looping (reading every record)", dataset: BIG, records: BIG_RECORDS, clients: 50, diagnostics: { framework: "openai" } },
    ];
    const rows: (string | number)[][] = [];
    for (const scenario of scenarios) {
      const page = async (i: number) => {
        // Pages 1..n of the list: the infinite query adds the cursor and its direction.
        const index = Math.floor((((i * 7919) % 1000) / 1000) * scenario.records);
        const input = { dataset: scenario.dataset, filter: {}, sort: { by: "index", order: "asc" }, limit: 50, cursor: { index }, direction: "forward" };
        const { status, body } = await trpcGet(port, "records.list", input);
        if (status !== 200) throw new Error(`${scenario.name}: HTTP ${status}: ${body.slice(0, 200)}`);
      };
      const stop = new AbortController();
      let diagnosticsDone = 0;
      let diagnosticsMs = 0;
      const looping = scenario.diagnostics
        ? (async () => {
            const input = { dataset: scenario.dataset, task: { task: "text_classification", text: "text", label: "label", label_strategy: "majority" }, framework: scenario.diagnostics!.framework, trainSize: 0.8 };
            while (!stop.signal.aborted) {
              const started = performance.now();
              const { status, body } = await trpcGet(port, "training.diagnostics", input, stop.signal).catch((error: Error) => {
                if (stop.signal.aborted) return { status: 200, body: '[{"result":{"data":{"taskError":null}}}]' };
                throw error;
              });
              if (status !== 200 || JSON.parse(body)[0].result.data.taskError) throw new Error(`diagnostics: HTTP ${status}: ${body.slice(0, 300)}`);
              if (!stop.signal.aborted) {
                diagnosticsDone += 1;
                diagnosticsMs += performance.now() - started;
              }
            }
          })()
        : Promise.resolve();
      try {
        if (scenario.diagnostics) await new Promise((resolve) => setTimeout(resolve, 1000)); // the first diagnostics is under way
        await concurrently(scenario.clients, scenario.clients, (i) => page(requests + i)); // warm-up round, not measured
        const started = performance.now();
        const times = await concurrently(scenario.clients, requests, page);
        const seconds = (performance.now() - started) / 1000;
        const s = latencyStats(times);
        const diagnostics = scenario.diagnostics ? `${diagnosticsDone} done, mean ${diagnosticsDone ? (diagnosticsMs / diagnosticsDone / 1000).toFixed(2) : "–"} s` : "–";
        rows.push([scenario.name, scenario.clients, s.n, s.p50, s.p95, s.p99, Math.round(s.n / seconds), diagnostics]);
        console.error(`${scenario.name}: p95 ${s.p95.toFixed(1)} ms, ${Math.round(s.n / seconds)} req/s, diagnostics ${diagnostics}`);
      } finally {
        stop.abort();
        await looping.catch((error: Error) => console.error(error.message));
      }
    }
    const probe = `CPU probe ${cpuProbeMs()} ms`;
    printTable(
      `Records page over HTTP (GET /api/trpc/records.list, batch link format, 50 rows a page), next start on 127.0.0.1, load generator on the same machine, ms (${proxy}; ${probe})`,
      ["scenario", "clients", "requests", "p50", "p95", "p99", "requests/s", "diagnostics in the loop"],
      rows,
    );
  } finally {
    server?.kill();
    await bench.close();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
