/**
 * OpenAI-compatible fine-tuning end to end, on the real PostgreSQL, the real queue and worker, the
 * real `openai` client, against the loopback stand-in (tests/stand-ins/openai.ts): only the base
 * URL differs from a real provider. support-chat's conversations prepared as chat rows, checked,
 * uploaded, fine-tuned (events, checkpoints, the model id), chatted with, cancelled mid-run, a
 * refused file, a failing provider job, a transient error, refusals naming their field, and the
 * API key nowhere in the job's rows, events, result or files.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { takeTurnsWithTheSecretsTable } from "../auth/secrets-table-lock";
import { createCaller } from "../../server/api/root";
import { setProvider } from "../../server/auth/secrets";
import { connect, type Database } from "../../server/db/client";
import type { OpenaiFineTuneResult } from "../../server/jobs/kinds/openai-fine-tune";
import { trainingJobDir } from "../../server/jobs/kinds/training";
import { getJob, type JobRow } from "../../server/jobs/store";
import { importFromPath } from "../../server/services/imports";
import { waitForJob } from "../jobs/helpers";
import { startTestWorker } from "../jobs/test-worker";
import { OpenAIStandIn } from "../stand-ins/openai";

const API_KEY = `sk-standin-${Date.now().toString(36)}-f1n3tun3-s3cr3t`;
const CHAT_TASK = {
  task: "chat_completion",
  template: { messages: [{ role: "system", content: "You are a helpful support agent." }, { from_field: "conversation" }, { role: "assistant", content: "{ideal-reply}" }] },
};
const member = { id: "openai-member", email: "openai-member@test.local", name: "", role: "member" as const };

let db: Database;
let home: string;
let dataset: string;
let standIn: OpenAIStandIn;
let worker: { stop(): Promise<void> };
const jobIds: string[] = [];
const caller = () => createCaller({ db, user: member });

const finished = (job: JobRow) => job.state !== "queued" && job.state !== "running";

async function start(overrides: Record<string, unknown> = {}): Promise<string> {
  const { id } = await caller().openai.start({
    dataset,
    task: CHAT_TASK,
    provider: "standin",
    model: "gpt-4o-mini-2024-07-18",
    hyperparameters: { n_epochs: 2, batch_size: 8, learning_rate_multiplier: 0.5 },
    suffix: "support",
    seed: 7,
    pollSeconds: 0.1,
    options: { testSize: 0.2, seed: 1 },
    ...overrides,
  });
  jobIds.push(id);
  return id;
}

takeTurnsWithTheSecretsTable();

beforeAll(async () => {
  home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "openai-fine-tune-")));
  vi.stubEnv("STUDIO_HOME", home);
  db = connect(inject("databaseUrl"));
  dataset = `support-chat-openai-${Date.now()}`;
  await importFromPath(db.bulk, path.resolve("samples/support-chat"), { name: dataset });
  standIn = await new OpenAIStandIn(API_KEY, { tickMs: 40 }).start();
  await setProvider(db.pool, { name: "standin", baseUrl: standIn.baseUrl, apiKey: API_KEY });
  worker = await startTestWorker(db);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await standIn?.stop();
  await db?.pool.query("DELETE FROM studio_secret WHERE name = 'provider:standin'");
  await db?.close();
  fs.rmSync(home, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe("OpenAI-compatible fine-tuning through the queue", () => {
  it("prepares, checks, uploads, fine-tunes with the form's hyperparameters, records events and the model id, then chats with it", async () => {
    const id = await start();
    const job = await waitForJob(db.pool, id, finished, 60_000);
    expect(job.error).toBeNull();
    expect(job.state).toBe("succeeded");
    const result = job.result as OpenaiFineTuneResult;
    const providerJob = standIn.jobs.get(result.providerJobId)!;
    expect(result.fineTunedModel).toBe(providerJob.fine_tuned_model);
    expect(result.fineTunedModel).toMatch(/^ft:gpt-4o-mini-2024-07-18:standin:support:/);
    expect(result).toMatchObject({ status: "succeeded", provider: "standin", baseModel: "gpt-4o-mini-2024-07-18", validationFile: expect.stringMatching(/^file-/) });
    expect(result.examples.train).toBeGreaterThanOrEqual(10);
    expect(result.metrics.train_loss).toBeGreaterThan(0);

    // The provider received the prepared file byte for byte, and the form's hyperparameters.
    const uploaded = standIn.files.get(result.trainingFile!)!;
    expect(uploaded.purpose).toBe("fine-tune");
    expect(uploaded.content).toBe(fs.readFileSync(path.join(trainingJobDir(id), "prepared", "train.jsonl"), "utf8"));
    expect(uploaded.content.split("\n").filter(Boolean)).toHaveLength(result.examples.train);
    expect(standIn.jobRequests.at(-1)).toMatchObject({
      model: "gpt-4o-mini-2024-07-18",
      training_file: result.trainingFile,
      validation_file: result.validationFile,
      suffix: "support",
      seed: 7,
      method: { type: "supervised", supervised: { hyperparameters: { n_epochs: 2, batch_size: 8, learning_rate_multiplier: 0.5 } } },
    });

    // Events: the provider's messages, progress to the last step, train and eval metrics, checkpoints, done.
    const view = await caller().openai.get({ id });
    const names = view.events.map(({ event }) => event.event);
    expect(names[0]).toBe("message");
    expect(names.at(-1)).toBe("done");
    expect(names).toEqual(expect.arrayContaining(["progress", "metrics", "checkpoint"]));
    const messages = view.events.flatMap(({ event }) => ((event as { event: string }).event === "message" ? [(event as unknown as { message: string }).message] : []));
    expect(messages[0]).toMatch(/^Validating training file/);
    expect(messages).toContain(`New fine-tuned model created: ${result.fineTunedModel}`);
    const progress = view.events.flatMap(({ event }) => (event.event === "progress" ? [event] : []));
    expect(progress.at(-1)).toMatchObject({ step: providerJob.totalSteps, max_steps: providerJob.totalSteps });
    const steps = progress.map((event) => event.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(view.events.some(({ event }) => event.event === "metrics" && event.split === "eval" && event.values.valid_loss! > 0)).toBe(true);
    expect(view.events.filter(({ event }) => event.event === "checkpoint")).toHaveLength(providerJob.checkpoints.length);
    expect(job.progress).toMatchObject({ done: providerJob.totalSteps, total: providerJob.totalSteps, unit: "steps" });

    // The playground's chat: the fine-tuned model answers through the provider.
    const reply = await caller().openai.chat({ id, messages: [{ role: "user", content: "Where is my order LH-1?" }] });
    expect(reply.content).toBe(`(${result.fineTunedModel}) You said: Where is my order LH-1?`);
    expect(standIn.chats.at(-1)).toMatchObject({ model: result.fineTunedModel, messages: [{ role: "user", content: "Where is my order LH-1?" }] });
  }, 90_000);

  it("a cancel mid-run cancels the provider's job", async () => {
    standIn.knobs.stepsPerEpoch = 400; // slow progress: about 16 s an epoch
    try {
      const id = await start();
      await waitForJob(db.pool, id, (job) => (job.progress?.done ?? 0) >= 2, 30_000);
      await caller().jobs.cancel({ id });
      const job = await waitForJob(db.pool, id, finished, 30_000);
      expect(job.state).toBe("cancelled");
      const result = job.result as OpenaiFineTuneResult;
      expect(standIn.cancelled).toContain(result.providerJobId);
      expect(standIn.jobs.get(result.providerJobId)!.status).toBe("cancelled");
      expect(result).toMatchObject({ status: "cancelled", fineTunedModel: null });
      const view = await caller().openai.get({ id });
      expect(view.events.at(-1)!.event).toMatchObject({ event: "done", status: "cancelled" });
      await expect(caller().openai.chat({ id, messages: [{ role: "user", content: "hi" }] })).rejects.toThrow(/has no fine-tuned model \(it is cancelled\)/);
    } finally {
      delete standIn.knobs.stepsPerEpoch;
    }
  }, 60_000);

  it("a run whose worker stopped re-attaches to the same provider job, recording each event once", async () => {
    standIn.knobs.stepsPerEpoch = 40;
    try {
      const id = await start({ hyperparameters: { n_epochs: 1 } });
      await waitForJob(db.pool, id, (job) => (job.progress?.done ?? 0) >= 3, 30_000);
      const providerJobs = standIn.jobRequests.length;
      await worker.stop();
      expect((await getJob(db.pool, id))!.state).toBe("queued");
      worker = await startTestWorker(db);
      const job = await waitForJob(db.pool, id, finished, 60_000);
      expect(job.state).toBe("succeeded");
      expect(standIn.jobRequests).toHaveLength(providerJobs);
      const view = await caller().openai.get({ id });
      const providerEvents = standIn.jobs.get((job.result as OpenaiFineTuneResult).providerJobId)!.events;
      const messages = view.events.filter(({ event }) => (event as { event: string }).event === "message");
      expect(messages).toHaveLength(providerEvents.filter((event) => event.type === "message").length);
      expect(view.events.map((event) => event.seq)).toEqual(view.events.map((_, i) => i + 1));
    } finally {
      delete standIn.knobs.stepsPerEpoch;
    }
  }, 90_000);

  it("a failing provider job fails the studio's job with the provider's reason", async () => {
    standIn.knobs.failAtStep = 2;
    try {
      const id = await start();
      const job = await waitForJob(db.pool, id, finished, 30_000);
      expect(job.state).toBe("failed");
      expect(job.error).toMatch(/the provider's fine-tuning job ftjob-\w+ failed: the training diverged at step 2 \[training_error\]/);
      expect(job.attempts).toBe(1);
    } finally {
      standIn.knobs.failAtStep = null;
    }
  }, 60_000);

  it("a refused file fails the job with the provider's words; transient errors are retried", async () => {
    standIn.knobs.refuseFiles = "Invalid file format: the stand-in refuses this file";
    try {
      const id = await start();
      const job = await waitForJob(db.pool, id, finished, 30_000);
      expect(job.state).toBe("failed");
      expect(job.error).toBe("the provider answered 400: Invalid file format: the stand-in refuses this file [invalid_file_format]");
    } finally {
      standIn.knobs.refuseFiles = null;
    }
    standIn.knobs.failNextRequests = 2;
    const id = await start({ hyperparameters: { n_epochs: 1 } });
    const job = await waitForJob(db.pool, id, finished, 60_000);
    expect(job.error).toBeNull();
    expect(job.state).toBe("succeeded");
  }, 90_000);

  it("a broken prepared file is refused before upload, naming its lines", async () => {
    const files = standIn.files.size;
    const id = await start({ maxTokensPerExample: 60 });
    const job = await waitForJob(db.pool, id, finished, 30_000);
    expect(job.state).toBe("failed");
    expect(job.error).toMatch(/^train\.jsonl: the training file does not pass the provider's checks \(\d+ errors?\): line \d+: holds about \d+ tokens, over the base model's 60 an example may hold/);
    expect(job.errorDetail!.split("\n").every((line) => /^line \d+: /.test(line))).toBe(true);
    expect(standIn.files.size).toBe(files);
  }, 30_000);

  it("check: the rows a start would upload, checked without queueing", async () => {
    expect(await caller().openai.providers()).toContain("standin");
    const request = { dataset, task: CHAT_TASK, provider: "standin", model: "gpt-4o-mini", options: { testSize: 0.2, seed: 1 } };
    const good = await caller().openai.check(request);
    expect(good).toMatchObject({ error: null, validation: { errors: [], tokenLimit: 65_536 } });
    expect(good.validation!.examples).toBeGreaterThanOrEqual(10);
    const broken = await caller().openai.check({ ...request, maxTokensPerExample: 60 });
    expect(broken.validation!.errors[0]).toMatchObject({ line: expect.any(Number), code: "too_many_tokens", message: expect.stringMatching(/^line \d+: holds about \d+ tokens/) });
    expect(await caller().openai.check({ ...request, provider: "nobody" })).toMatchObject({ error: { field: "provider" }, validation: null });
    const few = await caller().openai.check({ ...request, options: { maxRecords: 5 } });
    expect(few.error).toMatchObject({ field: "task", reason: expect.stringMatching(/at least 10 training examples/) });
  });

  it("refuses requests naming the field", async () => {
    const refused = (overrides: Record<string, unknown>) => start(overrides).then(() => "queued", (error: Error) => error.message);
    expect(await refused({ provider: "nobody" })).toMatch(/^provider: no provider "nobody"/);
    expect(await refused({ hyperparameters: { n_epochs: 0 } })).toMatch(/^hyperparameters\.n_epochs: /);
    expect(await refused({ hyperparameters: { learning_rate_multiplier: -1 } })).toMatch(/^hyperparameters\.learning_rate_multiplier: /);
    expect(await refused({ hyperparameters: { beta: 1 } })).toBe("hyperparameters.beta: is not a setting the provider takes");
    expect(await refused({ suffix: "x".repeat(65) })).toMatch(/^suffix: /);
    expect(await refused({ seed: -1 })).toMatch(/^seed: /);
    expect(await refused({ dataset: "no-such-dataset" })).toMatch(/^dataset: /);
    expect(await refused({ task: { task: "question_answering", context: "a", question: "b", answer: "c" } })).toMatch(/^task: /);
  });

  it("studio finetune --wait --json fine-tunes from the command line; a refusal names its flag", async () => {
    const run = promisify(execFile);
    const taskFile = path.join(home, "chat-task.json");
    fs.writeFileSync(taskFile, JSON.stringify(CHAT_TASK));
    const cli = ["--import", "tsx", path.resolve("cli/main.ts"), "finetune", "--dataset", dataset, "--task", taskFile, "--provider", "standin", "--model", "gpt-4o-mini"];
    const env = { ...process.env, DATABASE_URL: inject("databaseUrl"), STUDIO_HOME: home, STUDIO_SECRET_KEY: process.env.STUDIO_SECRET_KEY };
    const { stdout, stderr } = await run(process.execPath, [...cli, "--n-epochs", "1", "--suffix", "cli", "--poll-seconds", "0.1", "--wait", "--json"], { env, timeout: 120_000 });
    const out = JSON.parse(stdout.trim().split("\n").at(-1)!);
    jobIds.push(out.job);
    expect(out).toMatchObject({ status: "succeeded", fine_tuned_model: expect.stringMatching(/^ft:gpt-4o-mini:standin:cli:/), provider_job: expect.stringMatching(/^ftjob-/) });
    expect(stdout + stderr).not.toContain(API_KEY.slice(-12));
    const refused = await run(process.execPath, [...cli, "--n-epochs", "zero", "--json"], { env, timeout: 120_000 }).then(
      () => null,
      (error: { stdout: string; code: number }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(JSON.parse(refused!.stdout.trim().split("\n").at(-1)!).error).toMatch(/^--n-epochs: /);
  }, 180_000);

  it("puts the API key in no job row, event, result, answer or file", async () => {
    expect(standIn.authorizations).toEqual(new Set([`Bearer ${API_KEY}`]));
    const needle = API_KEY;
    const { rows } = await db.pool.query<{ text: string }>("SELECT row_to_json(job)::text AS text FROM job WHERE id = ANY($1::uuid[])", [jobIds]);
    expect(rows).toHaveLength(jobIds.length);
    const { rows: events } = await db.pool.query<{ text: string }>("SELECT string_agg(event::text, '') AS text FROM job_event WHERE job_id = ANY($1::uuid[])", [jobIds]);
    const answers = await Promise.all(jobIds.map(async (id) => JSON.stringify([await caller().openai.get({ id }), await caller().jobs.get({ id }), await getJob(db.pool, id)])));
    for (const text of [...rows.map((row) => row.text), events[0]!.text, ...answers, JSON.stringify(await caller().openai.providers())]) {
      expect(text).not.toContain(needle);
      expect(text).not.toContain(needle.slice(-12));
    }
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
    const files = walk(home).filter((file) => !file.endsWith("secret.key"));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(fs.readFileSync(file, "utf8"), file).not.toContain(needle.slice(-12));
  });
});
