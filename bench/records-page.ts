/**
 * Records page benchmark (issue: foundation): server time of one filtered page of 50 records on
 * the 1M-record dataset imported by bench/import.ts, with 32 concurrent clients.
 * Target: p95 < 50 ms. Server time = the records.list procedure called as the HTTP handler calls
 * it (input validation, the dataset lookup, SQL, shaping) plus serializing its result, measured
 * around the call in the server process; HTTP parsing and sockets are not included. With sign-in
 * on (the default) each call's context is built as the HTTP handler builds it: the session cookie
 * of one of 32 members (one per client) resolved by requestUser, through its few-seconds cache
 * (server/auth/session-cache.ts); --no-session-cache resolves every call through better-auth (its
 * signature, the session row and the user), as before the cache; --no-auth calls as the
 * in-process admin, as before sign-in. --paired runs all three, alternating in blocks of 250
 * requests within each query, so that each meets the same load on a shared machine.
 *   npx tsx bench/records-page.ts [--requests 2000] [--no-auth | --no-session-cache | --paired] [--dataset bench-import-jsonl]
 */
import crypto from "node:crypto";
import type { Database } from "../server/db/client";
import { argValue, benchDatabase, concurrently, cpuProbeMs, latencyStats, printTable } from "./harness";
import { getDataset } from "../server/db/datasets";
import { countRecords, listAnnotators } from "../server/db/records";
import type { RecordFilter, RecordSort } from "../server/feedback/record-query";

const DATASET = argValue("dataset", "bench-import-jsonl");
const CLIENTS = 32;

async function main() {
  const requests = Number(argValue("requests", "2000"));
  const bench = await benchDatabase();
  try {
    const dataset = await getDataset(bench.db.pool, DATASET);
    // Loaded after benchDatabase(), which generates the Prisma client the router imports.
    const { createCaller } = await import("../server/api/root");
    const { IN_PROCESS_ADMIN } = await import("../server/auth/roles");
    type Mode = "session cache" | "no session cache" | "no sign-in";
    const modes: Mode[] = process.argv.includes("--paired")
      ? ["session cache", "no session cache", "no sign-in"]
      : [process.argv.includes("--no-auth") ? "no sign-in" : process.argv.includes("--no-session-cache") ? "no session cache" : "session cache"];
    const signedIn = modes.some((mode) => mode !== "no sign-in") ? await memberSessions(bench.db, CLIENTS) : null;
    // Per call, as createContext does for a request: the session cookie resolved, then the caller.
    const callerFor = async (mode: Mode, i: number) =>
      createCaller({ db: bench.db, user: mode === "no sign-in" ? IN_PROCESS_ADMIN : await signedIn!.user(i, mode === "session cache") });
    const annotators = await listAnnotators(bench.db.pool, dataset.id);
    const total = dataset.recordCount;
    const scenarios: { name: string; filter?: RecordFilter; sort?: RecordSort; randomCursor?: boolean }[] = [
      { name: "first page, no filter" },
      { name: "random deep page (keyset)", randomCursor: true },
      { name: "annotator + submitted", filter: { annotators: [annotators[0].id], annotatorStatus: "submitted" }, randomCursor: true },
      { name: "question status: discarded", filter: { questionStatus: [{ question: "label", status: "discarded" }] }, randomCursor: true },
      { name: "has suggestion", filter: { suggestion: true }, randomCursor: true },
      { name: "metadata terms (source)", filter: { metadataTerms: { source: [String((dataset.settings.metadata_properties?.[0] as { values?: string[] })?.values?.[0])] } }, randomCursor: true },
      { name: "metadata range (length 100–200)", filter: { metadataRange: { length: { min: 100, max: 200 } } }, randomCursor: true },
      { name: "full-text search (common word)", filter: { search: "the" } },
      { name: "search + annotator + terms", filter: { search: "the", annotators: [annotators[1].id], metadataTerms: { source: [String((dataset.settings.metadata_properties?.[0] as { values?: string[] })?.values?.[1])] } } },
      { name: "sort by metadata length desc", sort: { by: "length", order: "desc" } },
    ];
    const rows = new Map<Mode, (string | number)[][]>(modes.map((mode) => [mode, []]));
    const block = modes.length > 1 ? 250 : requests;
    for (const scenario of scenarios) {
      const page = async (mode: Mode, i: number) => {
        const cursor = scenario.randomCursor ? { index: Math.floor(((i * 7919) % 1000) / 1000 * total) } : null;
        const page = await (await callerFor(mode, i)).records.list({ dataset: DATASET, filter: scenario.filter, sort: scenario.sort, cursor, limit: 50 });
        JSON.stringify(page); // what the HTTP handler then does with it
        if (page.records.length === 0 && !scenario.randomCursor) throw new Error(`${scenario.name}: no records`);
      };
      const times = new Map<Mode, number[]>(modes.map((mode) => [mode, []]));
      // Steady state, as a running server is: one round of every client first (opens the pool's
      // connections, compiles the code paths), not measured.
      for (const mode of modes) await concurrently(CLIENTS, CLIENTS, (i) => page(mode, requests + i));
      for (let done = 0; done < requests; done += block) {
        for (const mode of modes) times.get(mode)!.push(...(await concurrently(CLIENTS, Math.min(block, requests - done), (i) => page(mode, done + i))));
      }
      for (const mode of modes) {
        const s = latencyStats(times.get(mode)!);
        rows.get(mode)!.push([scenario.name, s.n, s.p50, s.p95, s.p99, s.p95 < 50 ? "yes" : "NO"]);
        console.error(`${scenario.name}, ${mode}: p95 ${s.p95.toFixed(1)} ms`);
      }
    }
    // After the runs: at the start, V8 is still compiling what it loaded and slows the probe down.
    const probe = `CPU probe ${cpuProbeMs()} ms`;
    const who: Record<Mode, string> = {
      "session cache": `signed in (${CLIENTS} members' session cookies, session cache on)`,
      "no session cache": `signed in (${CLIENTS} members' session cookies, no session cache)`,
      "no sign-in": "no sign-in",
    };
    for (const mode of modes) {
      printTable(`Records page (50 rows) on ${total.toLocaleString("en")} records, ${CLIENTS} concurrent clients, ${who[mode]}${modes.length > 1 ? ", paired" : ""}, ms (${probe})`, ["query", "requests", "p50", "p95", "p99", "p95 < 50 ms"], rows.get(mode)!);
    }

    // The match count shown beside the list (capped at 100k), one client: no target, but a
    // search count once took seconds.
    const countRows: (string | number)[][] = [];
    for (const scenario of scenarios.filter((s) => s.filter)) {
      const times: number[] = [];
      let count = 0;
      for (let i = 0; i < 6; i++) {
        const started = performance.now();
        count = (await countRecords(bench.db.pool, dataset, scenario.filter!)).count;
        if (i > 0) times.push(performance.now() - started);
      }
      countRows.push([scenario.name, count, latencyStats(times).p50]);
    }
    printTable("Match count (capped at 100,000), one client, ms", ["query", "count", "median"], countRows);
    await signedIn?.remove();
  } finally {
    await bench.close();
  }
}

/**
 * `count` members signed in through better-auth: user(i, cached) resolves the session cookie of
 * member i % count as a request's context does (requestUser), or, uncached, through better-auth.
 */
async function memberSessions(db: Database, count: number) {
  const { authFor } = await import("../server/auth/auth");
  const { lookUpSession, requestUser } = await import("../server/auth/session");
  const { deleteUser } = await import("../server/auth/users");
  const auth = authFor(db);
  const members: { id: string; headers: Headers }[] = [];
  for (let n = 0; n < count; n++) {
    const email = `bench-${Date.now()}-${n}@studio.local`;
    const password = crypto.randomBytes(12).toString("base64url");
    const { user } = await auth.api.createUser({ body: { email, password, name: `Benchmark ${n}`, role: "member" } });
    const response = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
    const cookie = response.headers.getSetCookie().map((line) => line.split(";")[0]!).join("; ");
    members.push({ id: user.id, headers: new Headers({ cookie }) });
  }
  return {
    async user(i: number, cached: boolean) {
      const { headers } = members[i % count]!;
      const resolved = cached ? await requestUser(auth, headers) : (await lookUpSession(auth, headers))?.user;
      if (!resolved) throw new Error("the benchmark's session was refused");
      return resolved;
    },
    remove: () => Promise.all(members.map((member) => deleteUser(db.pool, member.id))),
  };
}

void main();
