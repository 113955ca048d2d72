/**
 * Records page over HTTP (issue: close the open doors, item 9): the whole stack a browser goes
 * through (sockets, Next's route handling, the session check, zod, the query, JSON) measured from
 * a load generator on the same machine, against `next start` built in its own folder
 * (STUDIO_NEXT_DIST=.next-bench) and pointed at the benchmark database.
 *
 * Scenarios (clients page with random keyset cursors, 50 records a page, as the record list's
 * infinite query asks for them: GET /api/records?input={…}; `--via trpc` asks tRPC's records.list
 * instead, as the list did before, in the batch link's format: GET /api/trpc/records.list?batch=1&input={"0":{…}}):
 * - the stack alone: 32 clients paging the 120-record sentiment-reviews sample;
 * - a 300k-record classification dataset, 50 clients: alone, then while one more client re-requests
 *   full diagnostics of a classification task on the same dataset in a loop (read from the digests,
 *   as the task builder's default task does), then while that client loops on diagnostics that read
 *   every record (the OpenAI framework is not served by the digests): the heaviest CPU work a
 *   request can start. Target: p95 < 200 ms while diagnostics run.
 *
 * Every request carries a viewer's session cookie, signed in over HTTP as the sign-in page does
 * (the benchmark creates that viewer and removes it at the end).
 *
 *   npx tsx bench/records-http.ts [--requests 3000] [--rounds 3] [--port 3917] [--dist .next-bench] [--app DIR] [--build]
 *     [--via route|trpc|route,trpc] [--cpu-prof DIR] [--server-node-options "--max-semi-space-size=64" | none]
 * --build rebuilds the --dist folder first (needed after source changes); --via lists the ways to
 * ask for pages, each its own rows, interleaved; --cpu-prof writes the server's CPU profile into
 * DIR when it stops (the server stops on SIGINT); --server-node-options are node's options for the
 * server (by default those `npm start` gives it, scripts/web-server-options.ts; "none" for Node's defaults). Each scenario runs requests/rounds pages in each of the rounds, interleaved with the
 * others. The server's CPU time per page (all its threads, from /proc) is printed beside the
 * latencies: it moves less than they do when other work shares the machine.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import crypto from "node:crypto";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { WEB_SERVER_NODE_OPTIONS } from "../scripts/web-server-options";
import { argValue, benchDatabase, concurrently, cpuProbeMs, generatedExport, latencyStats, printTable, ROOT } from "./harness";
import { findDataset } from "../server/db/datasets";
import { importFromPath } from "../server/services/imports";
import { authFor } from "../server/auth/auth";
import { deleteUser } from "../server/auth/users";
import type { Database } from "../server/db/client";

const BIG = "bench-http-300k";
const SMALL = "bench-http-sample";
const BIG_RECORDS = 300_000;

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** What Chromium sends: `next start` compresses what the client accepts (unless told not to). */
const ACCEPT_ENCODING = "gzip, deflate, br, zstd";

function decode(body: Buffer, encoding: string | undefined): string {
  if (encoding === "gzip") return zlib.gunzipSync(body).toString("utf8");
  if (encoding === "br") return zlib.brotliDecompressSync(body).toString("utf8");
  if (encoding === "deflate") return zlib.inflateSync(body).toString("utf8");
  return body.toString("utf8");
}

/** The session cookie every request sends (the browser's, after sign-in). */
let cookie = "";

/**
 * One records page as the record list asks for it: `route` is GET /api/records?input=… (what the
 * browser calls), `trpc` the same page through tRPC's records.list, for comparison; any other
 * value is a route path that takes the same `?input=` (an experiment's).
 */
function recordsPage(port: number, via: string, input: unknown): Promise<{ status: number; body: string }> {
  if (via === "trpc") return trpcGet(port, "records.list", input);
  return get(port, `${via === "route" ? "/api/records" : via}?input=${encodeURIComponent(JSON.stringify(input))}`);
}

/** GET as the browser's httpBatchLink sends one query: `?batch=1&input={"0": input}`, with the browser's Accept-Encoding and cookie. */
function trpcGet(port: number, procedure: string, input: unknown, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  const query = `batch=1&input=${encodeURIComponent(JSON.stringify({ 0: input }))}`;
  return get(port, `/api/trpc/${procedure}?${query}`, signal);
}

function get(port: number, url: string, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: url, agent, signal, headers: { accept: "*/*", "accept-encoding": ACCEPT_ENCODING, cookie } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: decode(Buffer.concat(chunks), res.headers["content-encoding"]) }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

/** A client that re-requests full diagnostics until `signal` aborts (then its request is dropped). */
async function loopDiagnostics(port: number, dataset: string, framework: string, signal: AbortSignal, result: { diagnosticsDone: number; diagnosticsMs: number }) {
  const input = { dataset, task: { task: "text_classification", text: "text", label: "label", label_strategy: "majority" }, framework, trainSize: 0.8 };
  while (!signal.aborted) {
    const started = performance.now();
    const answer = await trpcGet(port, "training.diagnostics", input, signal).catch((error: Error) => {
      if (signal.aborted) return null;
      throw error;
    });
    if (!answer) return;
    if (answer.status !== 200 || JSON.parse(answer.body)[0].result.data.taskError) throw new Error(`diagnostics: HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
    result.diagnosticsDone += 1;
    result.diagnosticsMs += performance.now() - started;
  }
}

/** CPU time (ms) of a process and its descendants so far, from /proc (Linux). */
function processTreeCpuMs(pid: number): number {
  const ticks = 100; // USER_HZ
  const stats = fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name)).flatMap((name) => {
    try {
      const text = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      return [{ pid: Number(name), ppid: Number(fields[1]), cpu: Number(fields[11]) + Number(fields[12]) }];
    } catch {
      return [];
    }
  });
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const stat of stats) if (!tree.has(stat.pid) && tree.has(stat.ppid)) (tree.add(stat.pid), (grew = true));
  }
  return (stats.filter((stat) => tree.has(stat.pid)).reduce((sum, stat) => sum + stat.cpu, 0) * 1000) / ticks;
}

/** A viewer created for the run and signed in over HTTP, as the sign-in page does: sets `cookie`; returns the clean-up. */
async function signInViewer(port: number, db: Database): Promise<() => Promise<unknown>> {
  const email = `bench-http-${Date.now()}@studio.local`;
  const password = crypto.randomBytes(12).toString("base64url");
  const { user } = await authFor(db).api.createUser({ body: { email, password, name: "Benchmark", role: "viewer" } });
  const response = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: `http://127.0.0.1:${port}` },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in: HTTP ${response.status}: ${await response.text()}`);
  cookie = response.headers.getSetCookie().map((line) => line.split(";")[0]!).filter((pair) => !pair.endsWith("=")).join("; ");
  return () => deleteUser(db.pool, user.id);
}

/** Stops the server and waits for it (a CPU profile is written on exit). */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGINT");
  await exited;
}

async function startServer(port: number, databaseUrl: string, app: string, dist: string, cpuProf: string | null): Promise<ChildProcess> {
  const profile = cpuProf ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(cpuProf)] : [];
  // What scripts/start.ts gives the web server, unless the run names other options ("none": Node's defaults).
  const given = argValue("server-node-options", WEB_SERVER_NODE_OPTIONS.join(" "));
  const nodeOptions = given === "none" ? [] : given.split(" ").filter(Boolean);
  const server = spawn(process.execPath, [...nodeOptions, ...profile, require.resolve("next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: app,
    env: { ...process.env, STUDIO_NEXT_DIST: dist, DATABASE_URL: databaseUrl, NODE_ENV: "production" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited with code ${server.exitCode}`);
    try {
      const { status } = await trpcGet(port, "health.check", undefined);
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
  /** How the pages are asked for (see recordsPage). */
  via: string;
  /** A looping client that re-requests diagnostics while the pages are measured. */
  diagnostics?: { framework: string };
}

async function main() {
  const requests = Number(argValue("requests", "3000"));
  const rounds = Number(argValue("rounds", "3"));
  const port = Number(argValue("port", "3917"));
  const bigExport = generatedExport("classification", BIG_RECORDS, "jsonl");
  const bench = await benchDatabase();
  let server: ChildProcess | undefined;
  let removeViewer: (() => Promise<unknown>) | undefined;
  const DIST = argValue("dist", ".next-bench");
  // The app to serve: this checkout, or a snapshot of it (a `git archive` of a commit, say).
  const APP = path.resolve(argValue("app", ROOT));
  try {
    if (!(await findDataset(bench.db.pool, BIG))) {
      console.error(`importing ${BIG}…`);
      await importFromPath(bench.db.pool, bigExport, { name: BIG });
      await bench.db.pool.query("VACUUM ANALYZE");
    }
    if (!(await findDataset(bench.db.pool, SMALL))) await importFromPath(bench.db.pool, path.join(ROOT, "samples", "sentiment-reviews"), { name: SMALL });
    if (process.argv.includes("--build") || !fs.existsSync(path.join(APP, DIST, "BUILD_ID"))) {
      console.error(`building the web app into ${DIST}…`);
      execFileSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { cwd: APP, env: { ...process.env, STUDIO_NEXT_DIST: DIST }, stdio: "inherit" });
    }
    const cpuProf = process.argv.includes("--cpu-prof") ? argValue("cpu-prof", "bench/.data/cpu-profiles") : null;
    server = await startServer(port, bench.url, APP, DIST, cpuProf);
    removeViewer = await signInViewer(port, bench.db);
    const proxy = fs.existsSync(path.join(APP, "proxy.ts")) ? "proxy.ts present" : "no proxy.ts";

    const vias = argValue("via", "route").split(",");
    const scenarios: PageScenario[] = vias.flatMap((via) => {
      const label = vias.length > 1 ? ` [${via}]` : "";
      return [
        { name: `stack alone: 120-record sample${label}`, dataset: SMALL, records: 120, clients: 32, via },
        { name: `300k records, alone${label}`, dataset: BIG, records: BIG_RECORDS, clients: 50, via },
        { name: `300k records, diagnostics looping (digests)${label}`, dataset: BIG, records: BIG_RECORDS, clients: 50, via, diagnostics: { framework: "transformers" } },
        { name: `300k records, diagnostics looping (reading every record)${label}`, dataset: BIG, records: BIG_RECORDS, clients: 50, via, diagnostics: { framework: "openai" } },
      ];
    });
    // Rounds: every scenario runs a slice of its requests in each round, so that a change in this
    // shared machine's speed during the run falls on all of them alike.
    const results = scenarios.map(() => ({ times: [] as number[], seconds: 0, serverCpuMs: 0, diagnosticsDone: 0, diagnosticsMs: 0 }));
    for (let round = 0; round < rounds; round++) {
      for (const [n, scenario] of scenarios.entries()) {
        const result = results[n]!;
        const page = async (i: number) => {
          // Pages 1..n of the list: the infinite query adds the cursor and its direction.
          const index = Math.floor((((i * 7919) % 1000) / 1000) * scenario.records);
          const input = { dataset: scenario.dataset, filter: {}, sort: { by: "index", order: "asc" }, limit: 50, cursor: { index }, direction: "forward" };
          const { status, body } = await recordsPage(port, scenario.via, input);
          if (status !== 200) throw new Error(`${scenario.name}: HTTP ${status}: ${body.slice(0, 200)}`);
        };
        const stop = new AbortController();
        const looping = scenario.diagnostics ? loopDiagnostics(port, scenario.dataset, scenario.diagnostics.framework, stop.signal, result) : Promise.resolve();
        try {
          if (scenario.diagnostics) await new Promise((resolve) => setTimeout(resolve, 1000)); // the first diagnostics is under way
          await concurrently(scenario.clients, scenario.clients, (i) => page(requests + i)); // warm-up round, not measured
          const cpuBefore = processTreeCpuMs(server.pid!);
          const started = performance.now();
          result.times.push(...(await concurrently(scenario.clients, Math.ceil(requests / rounds), (i) => page(round * requests + i))));
          result.seconds += (performance.now() - started) / 1000;
          result.serverCpuMs += processTreeCpuMs(server.pid!) - cpuBefore;
        } finally {
          stop.abort();
          await looping;
        }
      }
    }
    const rows = scenarios.map((scenario, n) => {
      const { times, seconds, serverCpuMs, diagnosticsDone, diagnosticsMs } = results[n]!;
      const s = latencyStats(times);
      const diagnostics = scenario.diagnostics ? `${diagnosticsDone} done, mean ${diagnosticsDone ? (diagnosticsMs / diagnosticsDone / 1000).toFixed(2) : "–"} s` : "–";
      // Server CPU per page: every thread of the server process (under diagnostics, theirs too).
      return [scenario.name, scenario.clients, s.n, s.p50, s.p95, s.p99, Math.round(s.n / seconds), (serverCpuMs / s.n).toFixed(2), diagnostics];
    });
    const probe = `CPU probe ${cpuProbeMs()} ms`;
    printTable(
      `Records page over HTTP (${vias.map((via) => (via === "trpc" ? "GET /api/trpc/records.list, batch link format" : `GET ${via === "route" ? "/api/records" : via}`)).join(" vs ")}, 50 rows a page), next start on 127.0.0.1, load generator on the same machine, ${rounds} interleaved rounds, ms (${DIST}; ${proxy}; signed in as a viewer; ${probe})`,
      ["scenario", "clients", "requests", "p50", "p95", "p99", "requests/s", "server CPU ms / page", "diagnostics in the loop"],
      rows,
    );
  } finally {
    if (server) await stopServer(server);
    await removeViewer?.();
    await bench.close();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
