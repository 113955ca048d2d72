/**
 * The CLI's remote mode: with STUDIO_URL and STUDIO_TOKEN (a member's API token), `studio …` calls the
 * studio's tRPC and upload route over real HTTP with Authorization: Bearer, and never opens a
 * database (DATABASE_URL points nowhere). The studio here is the app's own route handlers behind a
 * plain node:http server on loopback. Import a folder through the upload route, list datasets and
 * jobs, show a job, queue a training run (a refusal names its flag) and cancel it, predict refused
 * for an unknown job, local-only commands refused, and a revoked token refused.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createCaller } from "../../server/api/root";
import { connect, type Database } from "../../server/db/client";
import { JobQueue } from "../../server/jobs/queue";
import { JobWorker } from "../../server/jobs/worker";
import * as trpcRoute from "../../app/api/trpc/[trpc]/route";
import * as uploadRoute from "../../app/api/uploads/[uploadId]/[...path]/route";
import { createPerson, type TestPerson } from "./sessions";

const run = promisify(execFile);
let db: Database;
let queue: JobQueue;
let worker: JobWorker;
let server: http.Server;
let url: string;
let member: TestPerson;
let token: string;
let tokenId: string;
let home: string;
const name = `remote-cli-${process.pid}-${Date.now()}`;

/** The app's routes as `next start` serves them (without proxy.ts's host and page checks). */
async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const target = new URL(req.url!, url);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(key, value);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(target, { method: req.method, headers, ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}) } as RequestInit);
  let response: Response;
  const segments = target.pathname.split("/").slice(1);
  if (segments[0] === "api" && segments[1] === "trpc") response = await (req.method === "POST" ? trpcRoute.POST(request) : trpcRoute.GET(request));
  else if (segments[0] === "api" && segments[1] === "uploads" && req.method === "PUT") {
    response = await uploadRoute.PUT(request, { params: Promise.resolve({ uploadId: segments[2]!, path: segments.slice(3) }) });
  } else response = new Response("not found", { status: 404 });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

async function studio(...args: string[]): Promise<{ code: number; last: any; stdout: string; stderr: string }> {
  const env = { ...process.env, STUDIO_URL: url, STUDIO_TOKEN: token, DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none", STUDIO_HOME: path.join(home, "cli-home") };
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", path.resolve("cli/main.ts"), ...args], { env, timeout: 60_000 });
    const lastLine = stdout.trim().split("\n").at(-1) ?? "";
    return { code: 0, last: lastLine.startsWith("{") ? JSON.parse(lastLine) : null, stdout, stderr };
  } catch (error) {
    const { stdout = "", stderr = "", code } = error as { stdout?: string; stderr?: string; code?: number };
    const lastLine = stdout.trim().split("\n").at(-1) ?? "";
    return { code: code ?? 1, last: lastLine.startsWith("{") ? JSON.parse(lastLine) : null, stdout, stderr };
  }
}

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  home = fs.mkdtempSync(path.join(os.tmpdir(), "remote-cli-"));
  vi.stubEnv("DATABASE_URL", inject("databaseUrl")); // the routes' own connection (serverDatabase)
  vi.stubEnv("STUDIO_HOME", home); // where uploads land
  queue = await JobQueue.open(db);
  worker = new JobWorker(queue, { heavySlots: 0, lightSlots: 1, staleSeconds: 20, pollSeconds: 0.2 });
  worker.start();
  server = http.createServer((req, res) => void handle(req, res).catch((error) => res.writeHead(500).end(String(error))));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  member = await createPerson(db, "member");
  const created = await createCaller({ db, user: { id: member.id, email: member.email, name: "", role: "member" } }).apiTokens.create({ name: "remote CLI test" });
  token = created.token;
  tokenId = created.id;
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await queue?.close();
  await db.pool.query("DELETE FROM dataset WHERE name = $1", [name]).catch(() => {});
  await db.close();
  await new Promise((resolve) => server?.close(resolve));
  fs.rmSync(home, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe("studio … with STUDIO_URL and STUDIO_TOKEN", () => {
  let importJob: string;

  it("imports a folder through the upload route and lists it", async () => {
    const imported = await studio("import", "samples/sentiment-reviews", "--name", name, "--json");
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.last).toMatchObject({ dataset: name, records: expect.any(Number) });
    expect(imported.last.records).toBeGreaterThan(0);
    const listed = await studio("datasets", "--json");
    expect(listed.last.datasets.map((d: { name: string }) => d.name)).toContain(name);
    const text = await studio("datasets");
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`${name}\t`);
    const jobs = await studio("jobs", "--json");
    importJob = jobs.last.jobs.find((j: { kind: string; datasetName: string | null }) => j.kind === "import" && j.datasetName === name)?.id;
    expect(importJob).toBeTruthy();
    const job = await studio("job", importJob, "--json");
    expect(job.last.job).toMatchObject({ id: importJob, state: "succeeded" });
  }, 120_000);

  it("queues a training run (a refusal names its flag) and cancels it", async () => {
    const task = path.join(home, "task.json");
    fs.writeFileSync(task, JSON.stringify({ task: "text_classification", text: "text", label: "sentiment" }));
    const config = path.join(home, "config.json");
    fs.writeFileSync(config, JSON.stringify({ max_steps: "lots" }));
    const refused = await studio("train", "--dataset", name, "--task", task, "--framework", "setfit", "--model", "owner/minilm", "--config", config, "--json");
    expect(refused.code).toBe(1);
    expect(refused.last.error).toMatch(/^--config: max_steps: /);

    const queued = await studio("train", "--dataset", name, "--task", task, "--framework", "setfit", "--model", "owner/minilm", "--json");
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.last).toEqual({ job: expect.any(String), status: "queued" });
    const cancelled = await studio("cancel", queued.last.job, "--json");
    expect(cancelled.last).toMatchObject({ job: queued.last.job, state: "cancelled" });
    const job = await studio("job", queued.last.job, "--json");
    expect(job.last).toMatchObject({ job: { kind: "training", state: "cancelled" }, metrics: {}, modelDir: null });
  }, 120_000);

  it("passes the studio's refusals on, and refuses commands that need this machine's database", async () => {
    const predicted = await studio("predict", "00000000-0000-4000-8000-000000000000", "hello", "--json");
    expect(predicted.last.error).toMatch(/no training job/i);
    const prepare = await studio("prepare", "--dataset", name, "--json");
    expect(prepare.last.error).toMatch(/works on a local studio only; unset STUDIO_URL/);
  }, 120_000);

  it("refuses a revoked token", async () => {
    await createCaller({ db, user: { id: member.id, email: member.email, name: "", role: "member" } }).apiTokens.revoke({ id: tokenId });
    const refused = await studio("datasets", "--json");
    expect(refused.code).toBe(1);
    expect(refused.last.error).toMatch(/sign in/i);
  }, 60_000);
});
