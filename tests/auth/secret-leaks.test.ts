/**
 * Secrets never leave the server, and a reward model reaches online RL. With a Hugging Face token
 * and an OpenAI-compatible provider stored as secrets, a reward model and then PPO scored by it are
 * started through tRPC's HTTP handler (the browser's path: validateTrainingRequest, the payload, the
 * queue), run by a real worker and the real Python, and predicted with. Then every response body the
 * test saw, both job folders (prepared rows, job.json, pins, log, events, model and card) and a text
 * dump of every table in the database are searched for the secret values: nothing may match. The
 * training child is looked at while it runs: it has HF_TOKEN and the provider's key, and none of the
 * studio's own keys, passwords or database URL. More runs (the Hub push, the OpenAI fine-tune) join
 * through LEAK_RUNS (./secret-leak-runs.ts).
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { sharedSecretKey, takeTurnsWithTheSecretsTable } from "./secrets-table-lock";
import { removeSecret, setHuggingFaceToken, setProvider } from "../../server/auth/secrets";
import { trainingJobDir, type TrainingResult } from "../../server/jobs/kinds/training";
import { JobWorker } from "../../server/jobs/worker";
import { serverPredictPool } from "../../server/training-runs/predict";
import * as trpcRoute from "../../app/api/trpc/[trpc]/route";
import { waitForJob } from "../jobs/helpers";
import { openStudio, type Studio } from "../training-runs/frameworks";
import { createPerson, type TestPerson } from "./sessions";
import { LEAK_RUNS, type LeakRunContext } from "./secret-leak-runs";

const HF_TOKEN = `hf_${crypto.randomBytes(18).toString("base64url")}`;
const PROVIDER = { name: "leaktest", baseUrl: "http://127.0.0.1:9/v1", apiKey: `sk-leak-${crypto.randomBytes(18).toString("base64url")}` };
/** The studio's own secrets, set in the studio's environment: the child must not inherit them. */
const STUDIO_KEY = sharedSecretKey();
const ADMIN_PASSWORD = `admin-pw-${crypto.randomBytes(12).toString("hex")}`;

const PREFERENCE_PAIRS = `function formatting_func(sample) {
  const answer = sample.preference.find((a) => a.status === "submitted");
  if (!answer || answer.value.rank[0] === answer.value.rank[1]) return null;
  const [best, worst] = answer.value.rank[0] < answer.value.rank[1] ? answer.value.value : [answer.value.value[1], answer.value.value[0]];
  return [sample.prompt + "\\n" + sample[best], sample.prompt + "\\n" + sample[worst]];
}`;

let studio: Studio;
let admin: TestPerson;
const bodies: string[] = [];
const dirs: string[] = [];
const childEnvironments: Record<string, string>[] = [];
const trainedJobIds: string[] = [];

async function call(procedure: string, input: unknown, method: "GET" | "POST" = "GET"): Promise<any> {
  const headers = { host: "localhost:3000", cookie: admin.cookie, "content-type": "application/json" };
  const url = `http://localhost:3000/api/trpc/${procedure}`;
  const response =
    method === "POST"
      ? await trpcRoute.POST(new Request(url, { method: "POST", headers, body: JSON.stringify(input) }))
      : await trpcRoute.GET(new Request(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers }));
  const text = await response.text();
  bodies.push(text);
  if (!response.ok) throw new Error(`${procedure}: ${response.status} ${text}`);
  return JSON.parse(text).result.data;
}

/** The environments of this process's live studio_trainer children (read from /proc while they run). */
function watchTrainerChildren(): () => void {
  const timer = setInterval(() => {
    let pids: string[] = [];
    try {
      pids = execFileSync("ps", ["-o", "pid=", "--ppid", String(process.pid)], { encoding: "utf8" }).split("\n").map((p) => p.trim()).filter(Boolean);
    } catch {
      return; // no children
    }
    for (const pid of pids) {
      try {
        if (!fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("studio_trainer")) continue;
        const pairs = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
        childEnvironments.push(Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)])));
      } catch {
        // gone meanwhile
      }
    }
  }, 100);
  return () => clearInterval(timer);
}

/** Starts a training run through tRPC (as the browser does) and runs it with an in-process worker. */
async function trainThroughTrpc(request: Record<string, unknown>): Promise<{ id: string; result: TrainingResult; dir: string }> {
  // secrets.test.ts empties the table before each of its tests; set ours again just before the run reads them.
  await setHuggingFaceToken(studio.db.pool, HF_TOKEN);
  await setProvider(studio.db.pool, PROVIDER);
  const { id } = await call("trainingRuns.start", request, "POST");
  const dir = trainingJobDir(id);
  dirs.push(dir);
  studio.jobDirs.push(dir);
  const worker = new JobWorker(studio.queue, { heavySlots: 1, lightSlots: 0, staleSeconds: 20, pollSeconds: 0.1 });
  const stopWatching = watchTrainerChildren();
  worker.start();
  try {
    const row = await waitForJob(studio.db.pool, id, (r) => r.state !== "queued" && r.state !== "running", 280_000);
    if (row.state !== "succeeded") throw new Error(`${row.state}: ${row.error}\n${fs.readFileSync(path.join(dir, "log.txt"), "utf8").slice(-2000)}`);
    trainedJobIds.push(id);
    return { id, result: row.result as TrainingResult, dir };
  } finally {
    stopWatching();
    await worker.stop();
  }
}

async function datasetName(id: number): Promise<string> {
  return (await studio.db.pool.query<{ name: string }>("SELECT name FROM dataset WHERE id = $1", [id])).rows[0]!.name;
}

/** Every file under `dir`, as bytes. */
function* filesUnder(dir: string): Generator<[string, Buffer]> {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(file);
    else if (entry.isFile()) yield [file, fs.readFileSync(file)];
  }
}

takeTurnsWithTheSecretsTable();

beforeAll(async () => {
  studio = await openStudio();
  vi.stubEnv("DATABASE_URL", inject("databaseUrl")); // the tRPC handler's own connection (serverDatabase)
  vi.stubEnv("STUDIO_ADMIN_PASSWORD", ADMIN_PASSWORD);
  admin = await createPerson(studio.db, "admin");
}, 300_000);
afterAll(async () => {
  await serverPredictPool().close();
  await removeSecret(studio.db.pool, "hf_token").catch(() => {});
  await removeSecret(studio.db.pool, `provider:${PROVIDER.name}`).catch(() => {});
  await studio?.close();
});

describe("a reward model, then PPO scored by it, started through tRPC with secrets stored", () => {
  let reward: Awaited<ReturnType<typeof trainThroughTrpc>>;

  it("trains the reward model with the secrets in the child's environment and none of the studio's own", async () => {
    reward = await trainThroughTrpc({
      dataset: await datasetName(await studio.sample("response-preference")),
      task: { task: "reward_modeling", formatting_func: { language: "javascript", source: PREFERENCE_PAIRS } },
      framework: "trl",
      model: studio.tiny.llama,
      config: { learning_rate: 3e-3, max_steps: 2, per_device_train_batch_size: 8, max_length: 128 },
      options: { testSize: 0.2, seed: 42 },
    });
    expect(reward.result.modelDir).toBeTruthy();
    expect(childEnvironments.length, "the trainer child was seen running").toBeGreaterThan(0);
    const child = childEnvironments.at(-1)!;
    expect(child.HF_TOKEN).toBe(HF_TOKEN);
    expect(child.STUDIO_PROVIDER_LEAKTEST_API_KEY).toBe(PROVIDER.apiKey);
    expect(child.STUDIO_PROVIDER_LEAKTEST_BASE_URL).toBe(PROVIDER.baseUrl);
    for (const name of ["STUDIO_SECRET_KEY", "STUDIO_AUTH_SECRET", "STUDIO_ADMIN_PASSWORD", "DATABASE_URL", "PGPASSWORD"]) expect(child[name], name).toBeUndefined();
    expect(Object.values(child).join("\n")).not.toContain(STUDIO_KEY);
    expect(Object.values(child).join("\n")).not.toContain(inject("databaseUrl"));
  }, 300_000);

  it("PPO gets the reward job's model as job.json's reward_model, and its pins name the job", async () => {
    expect(reward, "the reward job above ran").toBeTruthy();
    const ppo = await trainThroughTrpc({
      dataset: await datasetName(await studio.sample("instructions-curated")),
      task: { task: "proximal_policy_optimization", template: { query: "{instruction}" } },
      framework: "trl",
      model: studio.tiny.llama,
      rewardModel: reward.id,
      config: { per_device_train_batch_size: 4, total_episodes: 8, response_length: 4, learning_rate: 1e-4, num_ppo_epochs: 1 },
    });
    const job = JSON.parse(fs.readFileSync(path.join(ppo.dir, "job.json"), "utf8"));
    expect(job.reward_model).toBe(reward.result.modelDir);
    const pins = JSON.parse(fs.readFileSync(path.join(ppo.dir, "pins.json"), "utf8"));
    expect(pins.command).toContain(`--reward-model ${reward.id}`);
    expect(ppo.result.step).toBe(2); // 8 episodes / batch 4
    const answer = await call("trainingRuns.predict", { id: ppo.id, input: { prompt: "How", max_new_tokens: 2 } }, "POST");
    expect(answer.text).toEqual(expect.any(String));
  }, 300_000);
});

describe("after the runs", () => {
  it("runs the other engineers' secret-using runs (LEAK_RUNS)", async () => {
    const context: LeakRunContext = { studio, call, trainedJobIds, secrets: { hfToken: HF_TOKEN, provider: PROVIDER } };
    for (const run of LEAK_RUNS) {
      const output = await run.run(context);
      dirs.push(...(output.dirs ?? []));
      bodies.push(...(output.texts ?? []));
    }
  }, 600_000);

  it("no response body, job file, log, event, model card or table holds a secret value", async () => {
    for (const id of trainedJobIds) {
      await call("trainingRuns.get", { id });
      await call("trainingRuns.card", { id });
      await call("jobs.get", { id });
    }
    await call("trainingRuns.list", {});
    await call("secrets.list", undefined);
    const values = [HF_TOKEN, PROVIDER.apiKey, STUDIO_KEY, ADMIN_PASSWORD];

    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) for (const value of values) expect(body.includes(value), `a response body holds ${value.slice(0, 6)}…`).toBe(false);

    let files = 0;
    for (const dir of dirs) {
      for (const [file, bytes] of filesUnder(dir)) {
        files++;
        for (const value of values) expect(bytes.includes(value), `${path.relative(dir, file)} holds ${value.slice(0, 6)}…`).toBe(false);
      }
      expect(fs.existsSync(path.join(dir, "log.txt"))).toBe(true);
      expect(fs.existsSync(path.join(dir, "events.jsonl"))).toBe(true);
    }
    expect(files).toBeGreaterThan(10);

    // A full-table text dump, as pg_dump's data would hold it: every row of every table, as text.
    const { rows: tables } = await studio.db.pool.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["job", "job_event", "studio_secret", "auth_user"]));
    for (const { schema, name } of tables) {
      const quoted = `"${schema.replace(/"/g, '""')}"."${name.replace(/"/g, '""')}"`;
      const { rows } = await studio.db.pool.query<{ row: string }>(`SELECT t::text AS row FROM ${quoted} t`);
      const dump = rows.map((r) => r.row).join("\n");
      for (const value of values) expect(dump.includes(value), `table ${schema}.${name} holds ${value.slice(0, 6)}…`).toBe(false);
    }
  }, 120_000);
});
