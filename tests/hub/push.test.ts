/**
 * Pushes to the Hub stand-in (tests/stand-ins/hub.ts) through the real queue, an in-process worker and
 * the real `python -m studio_trainer.push` (huggingface_hub 2.4, Xet off): a spaCy classifier trained on
 * the sentiment sample goes up in spacy-huggingface-hub's layout with its prepared rows as a dataset repo;
 * the stand-in holds every file byte for byte and the card's lineage. Each refusal gets its own message and
 * leaves nothing pushed; a stand-in killed mid-upload and brought back completes on a re-run without any
 * object sent twice; no token in any job file, log, event, row or pushed file.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { load as loadYaml } from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { takeTurnsWithTheSecretsTable } from "../auth/secrets-table-lock";
import { createCaller } from "../../server/api/root";
import { IN_PROCESS_ADMIN } from "../../server/auth/roles";
import { setHuggingFaceToken } from "../../server/auth/secrets";
import { connect, type Database } from "../../server/db/client";
import { hubPushJob, type HubPushPayload, type HubPushResult } from "../../server/jobs/kinds/hub-push";
import { trainingJob, trainingJobDir, type TrainingResult } from "../../server/jobs/kinds/training";
import { JobQueue } from "../../server/jobs/queue";
import { getJob, type JobRow } from "../../server/jobs/store";
import { JobWorker } from "../../server/jobs/worker";
import { importFromPath } from "../../server/services/imports";
import { parseTrainingTask } from "../../server/training";
import { ensureTrainingEnvironment } from "../../server/training-env";
import { startHubStandIn, type HubStandIn } from "../stand-ins/hub";
import { ended, waitForJob } from "../jobs/helpers";

const TEST_HOME = path.resolve(".studio-test");
const TOKENS = { hf_alice_write_8d1f0c: { user: "alice", orgs: ["studio-org"], role: "write" as const }, hf_alice_read_77a2b9: { user: "alice", role: "read" as const } };
const WRITE = "hf_alice_write_8d1f0c";
const ALL_TOKENS = [...Object.keys(TOKENS), "hf_nobody_knows_this_3e9"];

let db: Database;
let queue: JobQueue;
let hub: HubStandIn;
let worker: JobWorker;
let trainingId: string;
const pushDirs: string[] = [];

async function push(payload: Omit<HubPushPayload, "trainingJobId">, timeoutMs = 120_000): Promise<JobRow> {
  const job = await queue.enqueue(hubPushJob, { trainingJobId: trainingId, ...payload });
  pushDirs.push(trainingJobDir(job.id));
  return waitForJob(db.pool, job.id, ended, timeoutMs);
}

const token = (value: string) => setHuggingFaceToken(db.pool, value);

takeTurnsWithTheSecretsTable();

beforeAll(async () => {
  vi.stubEnv("STUDIO_HOME", TEST_HOME);
  vi.stubEnv("HF_HUB_DISABLE_XET", "1");
  hub = await startHubStandIn({ tokens: TOKENS, refuseName: (name) => (name === "reserved" ? `"${name}" is a reserved name` : null) });
  vi.stubEnv("HF_ENDPOINT", hub.url);
  await ensureTrainingEnvironment({ home: TEST_HOME });
  db = connect(inject("databaseUrl"));
  queue = await JobQueue.open(db, { kinds: [trainingJob, hubPushJob] });
  const { datasetId } = await importFromPath(db.bulk, path.resolve("samples/sentiment-reviews"), { name: `hub-push-${process.pid}-${Date.now()}` });
  worker = new JobWorker(queue, { heavySlots: 1, lightSlots: 1, staleSeconds: 20, pollSeconds: 0.1 });
  worker.start();
  const training = await queue.enqueue(trainingJob, {
    datasetId,
    task: parseTrainingTask({ task: "text_classification", text: "text", label: "sentiment" }),
    framework: "spacy",
    model: "blank:en",
    config: { max_steps: 20, batch_size: 8, eval_frequency: 10 },
    options: { testSize: 0.2, seed: 42 },
  });
  trainingId = training.id;
  const row = await waitForJob(db.pool, training.id, ended, 240_000);
  expect(row.state, row.error ?? "").toBe("succeeded");
}, 300_000);

afterAll(async () => {
  await worker?.stop();
  await hub?.close();
  await queue?.close();
  await db?.close();
  for (const dir of [...pushDirs, trainingJobDir(trainingId)]) await fs.promises.rm(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

/** Every file of a folder, by its path relative to it. */
function folderFiles(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files.set(path.relative(root, full), fs.readFileSync(full));
    }
  }
  return files;
}

describe("a push to the Hub stand-in", () => {
  let first: JobRow;

  it("pushes the spaCy pipeline in spacy-huggingface-hub's layout, its card with the lineage, and the prepared rows, byte for byte", async () => {
    await token(WRITE);
    first = await push({ repo: "alice/sentiment-spacy", private: true, datasetRepo: "alice/sentiment-rows" });
    expect(first.state, first.error ?? "").toBe("succeeded");
    const result = first.result as HubPushResult;
    expect(result.url).toBe(`${hub.url}/alice/sentiment-spacy`);
    expect(first.progress).toMatchObject({ unit: "bytes", done: result.model.bytes + result.dataset!.bytes > 0 ? expect.any(Number) : 0 });
    expect(first.progress!.done).toBe(first.progress!.total);

    const dir = trainingJobDir(first.id);
    const pushed = hub.files("model", "alice/sentiment-spacy");
    const staged = folderFiles(path.join(dir, "spacy-package", "repo"));
    staged.set("README.md", fs.readFileSync(path.join(dir, "README.md")));
    expect([...pushed.keys()].sort()).toEqual([...staged.keys()].sort());
    for (const [file, content] of staged) expect(pushed.get(file)!.equals(content), file).toBe(true);
    // spacy-huggingface-hub's layout: the pipeline at the root, the wheel beside it.
    expect([...pushed.keys()]).toEqual(expect.arrayContaining(["config.cfg", "meta.json", "textcat/model", "en_sentiment_spacy-any-py3-none-any.whl"]));
    expect(hub.repo("model", "alice/sentiment-spacy")!.private).toBe(true);
    // The pushed pipeline is the trained one.
    const trained = (await getJob(db.pool, trainingId))!.result as TrainingResult;
    expect(pushed.get("textcat/model")!.equals(fs.readFileSync(path.join(trained.modelDir!, "textcat", "model")))).toBe(true);

    const card = pushed.get("README.md")!.toString("utf8");
    const meta = loadYaml(/^---\n([\s\S]*?)\n---\n/.exec(card)![1]!) as Record<string, unknown>;
    expect(meta).toMatchObject({ library_name: "spacy", language: "en" });
    expect(meta.tags).toEqual(expect.arrayContaining(["spacy", "text-classification", "feedback-studio"]));
    const pins = JSON.parse(fs.readFileSync(path.join(trainingJobDir(trainingId), "pins.json"), "utf8"));
    expect(card).toContain(`**Repository:** [${hub.url}/alice/sentiment-spacy]`);
    expect(card).toContain(pins.dataset.contentHash);
    expect(card).toContain(`training job \`${trainingId}\``);
    expect(card).toContain(`pip install ${hub.url}/alice/sentiment-spacy/resolve/main/en_sentiment_spacy-any-py3-none-any.whl`);

    const rows = hub.files("dataset", "alice/sentiment-rows");
    for (const [file, content] of folderFiles(path.join(trainingJobDir(trainingId), "prepared"))) expect(rows.get(file)?.equals(content), file).toBe(true);
    expect(rows.get("README.md")!.toString()).toContain(pins.dataset.contentHash);
    // The stand-in serves back what it holds (file download).
    const downloaded = Buffer.from(await (await fetch(`${hub.url}/alice/sentiment-spacy/resolve/main/meta.json`)).arrayBuffer());
    expect(downloaded.equals(pushed.get("meta.json")!)).toBe(true);
  }, 180_000);

  it("pushed again, sends nothing: every file is unchanged and no object is uploaded twice", async () => {
    const uploads = new Map(hub.lfsUploads);
    const again = await push({ repo: "alice/sentiment-spacy", private: true });
    expect(again.state, again.error ?? "").toBe("succeeded");
    const result = again.result as HubPushResult;
    expect(result.model.unchanged.sort()).toEqual(result.model.files.map((f) => f.path).sort());
    expect(hub.lfsUploads).toEqual(uploads);
  }, 120_000);
});

describe("a push the Hub refuses", () => {
  const refused = async (payload: Omit<HubPushPayload, "trainingJobId">, message: RegExp) => {
    const commits = hub.repo("model", payload.repo)?.commits.length ?? 0;
    const row = await push(payload);
    expect(row.state).toBe("failed");
    expect(row.error).toMatch(message);
    expect(row.result).toBeNull();
    expect(hub.repo("model", payload.repo)?.commits.length ?? 0).toBe(commits);
    return row;
  };

  it("a bad token", async () => {
    await token("hf_nobody_knows_this_3e9");
    await refused({ repo: "alice/bad-token" }, /The Hub refused the Hugging Face token \(401/);
  });

  it("a read-only token", async () => {
    await token("hf_alice_read_77a2b9");
    await refused({ repo: "alice/read-only" }, /token is read-only: it can download but cannot create repos or push/);
  });

  it("a repo owned by someone else", async () => {
    await token(WRITE);
    await refused({ repo: "bob/not-mine" }, /bob\/not-mine belongs to bob, and the token's user alice may not push there/);
    expect(hub.repo("model", "bob/not-mine")).toBeNull();
  });

  it("a name the Hub refuses", async () => {
    await token(WRITE);
    await refused({ repo: "alice/reserved" }, /The Hub refused the repo name alice\/reserved: "reserved" is a reserved name/);
  });

  it("a name the studio refuses before queueing", () => {
    expect(() => hubPushJob.payload.parse({ trainingJobId: trainingId, repo: "alice/bad--name" })).toThrow(/--/);
    expect(() => hubPushJob.payload.parse({ trainingJobId: trainingId, repo: "no-owner" })).toThrow(/OWNER\/NAME/);
  });
});

describe("the stand-in killed mid-upload", () => {
  it("fails with the network's message, then a re-run after it is back completes without sending any object twice", async () => {
    await token(WRITE);
    // Dies mid-upload once 1.5 MB arrived and an object of this push is whole: some objects arrive before the kill, some after.
    hub.options.dieDuringLfs = { bytes: hub.lfsBytesReceived + 1_500_000, uploads: hub.lfsUploadsCompleted + 1 };
    const failed = await push({ repo: "alice/interrupted", retries: 0 });
    expect(hub.died).toBe(true);
    expect(failed.state).toBe("failed");
    expect(failed.error).toMatch(/The connection to the Hub \(http:\/\/127\.0\.0\.1:\d+\) failed during the upload .* push again to finish/);
    expect(failed.result).toBeNull();
    expect(hub.repo("model", "alice/interrupted")!.commits).toEqual([]);
    const beforeKill = new Map(hub.lfsUploads);
    expect([...beforeKill.keys()].filter((object) => object.startsWith("model:alice/interrupted@")).length).toBeGreaterThan(0);

    await hub.start();
    const rerun = await push({ repo: "alice/interrupted" });
    expect(rerun.state, rerun.error ?? "").toBe("succeeded");
    const dir = trainingJobDir(rerun.id);
    const pushed = hub.files("model", "alice/interrupted");
    const staged = folderFiles(path.join(trainingJobDir(failed.id), "spacy-package", "repo"));
    staged.set("README.md", fs.readFileSync(path.join(dir, "README.md")));
    for (const [file, content] of staged) expect(pushed.get(file)?.equals(content), file).toBe(true);
    expect(pushed.size).toBe(staged.size);
    // Objects that arrived before the kill were not sent again; every object arrived whole exactly once.
    for (const [oid, count] of hub.lfsUploads) expect(count, oid).toBe(1);
    expect(hub.lfsUploads.size).toBeGreaterThan(beforeKill.size);
  }, 180_000);
});

describe("studio push", () => {
  it("pushes from the command line and ends with the repo URL as JSON; a job without a model is refused before queueing", async () => {
    await token(WRITE);
    const run = promisify(execFile);
    const cli = ["--import", "tsx", path.resolve("cli/main.ts"), "push"];
    const env = { ...process.env, DATABASE_URL: inject("databaseUrl"), STUDIO_HOME: TEST_HOME };
    const { stdout } = await run(process.execPath, [...cli, trainingId, "--repo", "studio-org/from-cli", "--json"], { env, timeout: 150_000 });
    const output = JSON.parse(stdout.trim().split("\n").at(-1)!);
    pushDirs.push(trainingJobDir(output.job));
    expect(output).toMatchObject({ status: "succeeded", url: `${hub.url}/studio-org/from-cli`, dataset_url: null });
    expect(hub.file("model", "studio-org/from-cli", "config.cfg")).not.toBeNull();

    const refused = await run(process.execPath, [...cli, "00000000-0000-4000-8000-000000000000", "--repo", "alice/x", "--json"], { env, timeout: 150_000 }).then(
      () => null,
      (error: { stdout: string; code: number }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(JSON.parse(refused!.stdout.trim().split("\n").at(-1)!)).toEqual({ error: "no training job 00000000-0000-4000-8000-000000000000" });
  }, 180_000);
});

describe("tRPC hub", () => {
  it("push queues a push the job page follows through jobs.get; latest finds it again; a job that is no training job is refused", async () => {
    await token(WRITE);
    const caller = createCaller({ db, user: IN_PROCESS_ADMIN });
    const { id } = await caller.hub.push({ trainingJobId: trainingId, repo: "alice/from-trpc" });
    pushDirs.push(trainingJobDir(id));
    await waitForJob(db.pool, id, ended, 120_000);
    const job = await caller.jobs.get({ id });
    expect(job).toMatchObject({ state: "succeeded", result: { url: `${hub.url}/alice/from-trpc` } });
    expect(job.progress).toMatchObject({ unit: "bytes" });
    await expect(caller.hub.latest({ trainingJobId: trainingId })).resolves.toMatchObject({ endpoint: hub.url, job: { id, state: "succeeded" } });
    await expect(caller.hub.push({ trainingJobId: id, repo: "alice/x" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: `no training job ${id}` });
    await expect(caller.hub.push({ trainingJobId: trainingId, repo: "alice/.hidden" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  }, 150_000);
});

describe("the token", () => {
  it("is in no job file, log, event, job row or pushed file", async () => {
    const leaks: string[] = [];
    for (const dir of [...pushDirs, trainingJobDir(trainingId)]) {
      for (const [file, content] of folderFiles(dir)) for (const secret of ALL_TOKENS) if (content.includes(secret)) leaks.push(`${dir}/${file}`);
    }
    const { rows } = await db.pool.query("SELECT id, payload::text, result::text, error, error_detail FROM job WHERE id = ANY($1)", [pushDirs.map((dir) => path.basename(dir))]);
    expect(rows.length).toBe(pushDirs.length);
    for (const row of rows) for (const secret of ALL_TOKENS) if (JSON.stringify(row).includes(secret)) leaks.push(`job ${row.id}`);
    for (const repo of ["alice/sentiment-spacy", "alice/interrupted", "studio-org/from-cli", "alice/from-trpc"]) for (const [file, content] of hub.files("model", repo)) for (const secret of ALL_TOKENS) if (content.includes(secret)) leaks.push(`${repo}/${file}`);
    expect(leaks).toEqual([]);
  });
});
