/**
 * `num_processes` through the studio: a TRL SFT job with 2 processes runs through the queue, an
 * in-process worker and the real Python worker, which becomes `accelerate launch` (2 CPU ranks on
 * gloo here: no GPU on this machine); it learns, reports once and saves once. Cancel stops both ranks
 * and keeps the result; the runners that train in one process refuse 2 before queueing.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findDatasetById } from "../../server/db/datasets";
import { trainingJob, trainingJobDir, type TrainingResult } from "../../server/jobs/kinds/training";
import { requestCancel } from "../../server/jobs/store";
import { parseTrainingTask } from "../../server/training";
import { TrainingRequestError, validateTrainingRequest, type TrainingRequest } from "../../server/training-runs/validate";
import { runToEnd } from "../jobs/helpers";
import { openStudio, predict, SFT_TEXT, train, type Studio } from "./frameworks";

const TWO = { learning_rate: 5e-3, per_device_train_batch_size: 4, max_length: 96, num_processes: 2 };

let studio: Studio;
beforeAll(async () => {
  studio = await openStudio();
}, 300_000);
afterAll(async () => studio?.close());

const count = (events: { event: string }[], kind: string) => events.filter((e) => e.event === kind).length;

describe("num_processes: 2 on the CPU", () => {
  it("trains with two ranks: one started and one done, each step reported once, one model saved, eval loss falls", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("instructions-curated"),
      task: SFT_TEXT,
      framework: "trl",
      model: studio.tiny.llama,
      config: { ...TWO, max_steps: 8, evaluate_before_training: true },
      options: { testSize: 0.2, seed: 42 },
    });
    expect(count(job.events, "started")).toBe(1);
    expect(count(job.events, "done")).toBe(1);
    expect(count(job.events, "artifact")).toBe(1);
    expect(job.events.find((e) => e.event === "started")!.device).toBe("cpu × 2 processes (gloo)");
    const steps = job.events.filter((e) => e.event === "progress").map((e) => e.step as number);
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps.at(-1)).toBe(8);
    const losses = job.series("loss", "eval");
    expect(losses.at(-1)).toBeLessThan(losses[0]!);
    const log = fs.readFileSync(path.join(trainingJobDir(job.row.id), "log.txt"), "utf8");
    expect(log).toContain("rank 0 of 2");
    expect(log).toContain("rank 1 of 2");
    const answer = await predict(studio, job, { prompt: "### Instruction: How do I", max_new_tokens: 4 });
    expect(answer.text).toEqual(expect.any(String));
  }, 300_000);

  it("cancel stops both ranks at one checkpoint and the job ends cancelled with its step", async () => {
    const queued = await studio.queue.enqueue(trainingJob, {
      datasetId: await studio.sample("instructions-curated"),
      task: parseTrainingTask(SFT_TEXT),
      framework: "trl",
      model: studio.tiny.llama,
      config: { ...TWO, max_steps: 200, save_steps: 1000 },
      options: { testSize: 0.2, seed: 42 },
    });
    const dir = trainingJobDir(queued.id);
    studio.jobDirs.push(dir);
    const running = runToEnd(studio.queue, queued.id, 240_000);
    const events = path.join(dir, "events.jsonl");
    const progressed = () => fs.existsSync(events) && /"event":"progress","time":"[^"]+","step":[2-9]/.test(fs.readFileSync(events, "utf8"));
    while (!progressed()) await new Promise((resolve) => setTimeout(resolve, 250));
    await requestCancel(studio.db.pool, queued.id);
    const row = await running;
    expect(row.state).toBe("cancelled");
    // the result is the trainer's own `done` (the launcher's exit status 143 did not turn it into a failure)
    const step = (row.result as TrainingResult).step!;
    expect(step).toBeGreaterThanOrEqual(2);
    const checkpoint = path.join(dir, "output", "checkpoints", `checkpoint-${step}`);
    expect(fs.readdirSync(checkpoint).filter((name) => name.startsWith("rng_state_")).sort()).toEqual(["rng_state_0.pth", "rng_state_1.pth"]);
  }, 300_000);
});

describe("runners that train in one process", () => {
  async function refusal(request: TrainingRequest) {
    try {
      await validateTrainingRequest(studio.db, request, { pathsFrom: "cli" });
    } catch (error) {
      if (error instanceof TrainingRequestError) return { field: error.field, message: error.message };
      throw error;
    }
    throw new Error("the request was accepted");
  }
  const classification = { task: "text_classification", text: "text", label: "sentiment" };

  it("SetFit, spaCy and PPO refuse num_processes 2 before queueing, naming the setting", async () => {
    const named = async (sample: string) => (await findDatasetById(studio.db.pool, await studio.sample(sample)))!.name;
    const sentiment = await named("sentiment-reviews");
    expect(await refusal({ dataset: sentiment, task: classification, framework: "setfit", model: studio.minilm, config: { num_processes: 2 } })).toEqual({
      field: "config.num_processes",
      message: "config.num_processes: must be 1: SetFit trains in one process",
    });
    expect(await refusal({ dataset: sentiment, task: classification, framework: "spacy", model: "blank:en", config: { num_processes: 2 } })).toEqual({
      field: "config.num_processes",
      message: "config.num_processes: must be 1: spaCy trains in one process",
    });
    const instructions = await named("instructions-curated");
    const ppo = await refusal({ dataset: instructions, task: { task: "proximal_policy_optimization", template: { query: "{instruction}" } }, framework: "trl", model: studio.tiny.llama, config: { algorithm: "ppo", num_processes: 2 } });
    expect(ppo).toMatchObject({ field: "config.num_processes", message: "config.num_processes: must be 1: PPO (trl 1.12) trains in one process here; grpo and rloo take several" });
    // the Trainer-based runners take it
    await expect(validateTrainingRequest(studio.db, { dataset: sentiment, task: classification, framework: "transformers", model: studio.minilm, config: { num_processes: 2 } }, { pathsFrom: "cli" })).resolves.toMatchObject({
      payload: { config: expect.objectContaining({ num_processes: 2 }) },
    });
  }, 120_000);
});
