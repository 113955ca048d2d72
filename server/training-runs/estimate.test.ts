import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMAS } from "./configs";
import { costRow, estimateRun, planSteps } from "./estimate";

const defaults = (name: keyof typeof CONFIG_SCHEMAS, config: Record<string, unknown> = {}) => CONFIG_SCHEMAS[name].parse(config) as Record<string, unknown>;

describe("planSteps", () => {
  it("SetFit: 2 × num_iterations pairs per row, batch_size pairs a step (81 rows, 5 iterations, batch 16: setfit's own 51)", () => {
    const plan = planSteps("setfit", defaults("setfit", { num_iterations: 5 }), 81);
    expect(plan).toMatchObject({ stepsPerEpoch: 51, totalSteps: 51, effectiveBatch: 16, sequencesPerStep: 32, warmupSteps: 5 });
  });

  it("SetFit: max_steps > 0 overrides the epochs", () => {
    expect(planSteps("setfit", defaults("setfit", { max_steps: 7, num_epochs: 3 }), 100).totalSteps).toBe(7);
  });

  it("Trainer: ceil(ceil(rows / batch) / accumulation) a step an epoch, ceil(epochs × that) in all", () => {
    const plan = planSteps("transformers-classification", defaults("transformers-classification", { per_device_train_batch_size: 8, gradient_accumulation_steps: 3, num_train_epochs: 2.5 }), 100);
    // 100 rows → 13 batches → 5 steps an epoch → 12.5 → 13 steps
    expect(plan).toMatchObject({ effectiveBatch: 24, stepsPerEpoch: 5, totalSteps: 13 });
  });

  it("Trainer with num_processes: each process reads its own batch a step, so an epoch has 1/processes of the steps", () => {
    const config = defaults("trl-sft", { per_device_train_batch_size: 8, gradient_accumulation_steps: 2, num_processes: 2 });
    // 100 rows → 7 batches of 16 across both processes → 4 steps an epoch of 32 rows
    expect(planSteps("trl-sft", config, 100)).toMatchObject({ processes: 2, effectiveBatch: 32, sequencesPerStep: 32, stepsPerEpoch: 4, totalSteps: 4 });
    expect(planSteps("setfit", defaults("setfit"), 100).processes).toBe(1);
  });

  it("Trainer: a warm-up below 1 is a ratio of all steps, from 1 a number of steps", () => {
    const ratio = planSteps("sentence-transformers", defaults("sentence-transformers"), 320);
    expect(ratio).toMatchObject({ stepsPerEpoch: 10, totalSteps: 10, warmupSteps: 1 });
    expect(planSteps("trl-sft", defaults("trl-sft", { warmup_steps: 4, max_steps: 20 }), 10)).toMatchObject({ totalSteps: 20, warmupSteps: 4, epochs: 20 / 2 });
  });

  it("DPO and reward pairs read two sequences a row", () => {
    expect(planSteps("trl-dpo", defaults("trl-dpo"), 16).sequencesPerStep).toBe(16);
    expect(planSteps("trl-sft", defaults("trl-sft"), 16).sequencesPerStep).toBe(8);
  });

  it("spaCy: max_steps or max_epochs, whichever ends first", () => {
    expect(planSteps("spacy", defaults("spacy", { max_steps: 100, max_epochs: 2, batch_size: 10 }), 95).totalSteps).toBe(20);
    expect(planSteps("spacy", defaults("spacy", { max_steps: 15, max_epochs: 2, batch_size: 10 }), 95).totalSteps).toBe(15);
  });

  it("no rows, no steps", () => {
    expect(planSteps("trl-sft", defaults("trl-sft"), 0).totalSteps).toBe(0);
  });
});

describe("estimateRun", () => {
  it("time is the start plus 6 × parameters × tokens at the band's measured throughput; memory the base, 16 bytes a parameter and the step's activations", () => {
    const config = defaults("transformers-classification", { max_steps: 10, per_device_train_batch_size: 4 });
    const estimate = estimateRun({ configName: "transformers-classification", config, trainExamples: 40, tokensPerSequence: 50, parameters: 20e6, device: "cpu" });
    const row = costRow("cpu", 20e6);
    expect(estimate.tokens).toBe(10 * 4 * 50);
    expect(estimate.seconds).toBeCloseTo(row.startSeconds + 10 * row.stepSeconds + (6 * 20e6 * 2000) / row.flopsPerSecond, 6);
    expect(estimate.peakMemoryMb).toBeCloseTo(row.baseMemoryMb + 320 + row.activationMbPer1kTokens * 0.2, 6);
  });

  it("several processes share the FLOPs; memory is one process's (its own batch's activations)", () => {
    const input = { configName: "transformers-classification" as const, trainExamples: 80, tokensPerSequence: 50, parameters: 20e6, device: "cpu" as const };
    const one = estimateRun({ ...input, config: defaults("transformers-classification", { max_steps: 10, per_device_train_batch_size: 4 }) });
    const two = estimateRun({ ...input, config: defaults("transformers-classification", { max_steps: 10, per_device_train_batch_size: 4, num_processes: 2 }) });
    expect(two.tokens).toBe(2 * one.tokens);
    // Twice the tokens in the same 10 steps, on two devices: the same FLOP time.
    expect(two.seconds).toBeCloseTo(one.seconds!, 6);
    expect(two.peakMemoryMb).toBeCloseTo(one.peakMemoryMb!, 6);
    expect(two.basis).toMatch(/× 2 processes \(memory per process\)/);
  });

  it("LoRA keeps 4 bytes a frozen parameter instead of 16", () => {
    const input = { trainExamples: 8, tokensPerSequence: 10, parameters: 100e6, device: "cpu" as const };
    const full = estimateRun({ ...input, configName: "transformers-classification", config: defaults("transformers-classification") });
    const lora = estimateRun({ ...input, configName: "peft-classification", config: defaults("peft-classification") });
    expect(full.peakMemoryMb! - lora.peakMemoryMb!).toBeCloseTo(1200, 6);
  });

  it("SetFit adds the head phase's forward pass over every row", () => {
    const config = defaults("setfit", { num_iterations: 1, batch_size: 2 });
    const estimate = estimateRun({ configName: "setfit", config, trainExamples: 10, tokensPerSequence: 10, parameters: 1e6, device: "cpu" });
    const row = costRow("cpu", 1e6);
    expect(estimate.tokens).toBe(10 * 4 * 10);
    expect(estimate.seconds).toBeCloseTo(row.startSeconds + 10 * row.stepSeconds + (6e6 * 400 + 2e6 * 100) / row.flopsPerSecond, 6);
  });

  it("without a model size: steps and tokens, no time or memory", () => {
    const estimate = estimateRun({ configName: "trl-sft", config: defaults("trl-sft"), trainExamples: 8, tokensPerSequence: 10, parameters: null, device: "cpu" });
    expect(estimate).toMatchObject({ totalSteps: 1, tokens: 80, seconds: null, peakMemoryMb: null });
    expect(estimate.basis).toMatch(/size is unknown/);
  });

  it("a model larger than every band takes the last band", () => {
    expect(costRow("cpu", 7e9).maxParameters).toBe(Infinity);
  });
});
