/**
 * The estimate shown before Start: training examples, optimizer steps, tokens, expected wall time
 * and peak memory, from the runner's config and the prepared rows. Pure arithmetic (no I/O):
 * the caller gives the example count, the mean tokens per example and the model's parameters.
 *
 * Steps follow each trainer's own rule: a transformers `Trainer` (transformers, PEFT, TRL,
 * sentence-transformers) takes ceil(ceil(examples / (batch × processes)) / accumulation) steps an
 * epoch and ceil(epochs × that) in all, or max_steps when > 0 (`num_processes` processes each read
 * their own batch a step); SetFit's body trains on 2 × num_iterations
 * contrastive pairs per example, `batch_size` pairs a step; spaCy stops at max_steps or
 * max_epochs, whichever comes first.
 *
 * Time is FLOP arithmetic against a throughput measured on this machine (ESTIMATE_TABLE in
 * ./estimate-table.ts): training a token costs ~6 × parameters FLOPs (forward 2, backward 4), a
 * forward-only token (SetFit's head phase embeds every example once) 2 ×, plus the measured start
 * (Python imports, loading the model) and a per-step overhead that dominates tiny models. Peak memory: the measured base process, plus weights,
 * gradients and two AdamW moments (16 bytes a trained parameter in fp32; LoRA trains few, so 4
 * bytes a frozen one), plus activations in proportion to the tokens of one step.
 */
import type { ConfigName } from "./configs";
import { ESTIMATE_TABLE, type DeviceCost } from "./estimate-table";

export type Device = keyof typeof ESTIMATE_TABLE;

export interface StepPlan {
  examples: number;
  /** Rows (SetFit: pairs) whose gradients make one optimizer step. */
  effectiveBatch: number;
  /** Sequences one step reads (a SetFit pair or a DPO/reward pair is two). */
  sequencesPerStep: number;
  stepsPerEpoch: number;
  /** Passes over the rows the steps amount to. */
  epochs: number;
  totalSteps: number;
  warmupSteps: number;
  /** Training processes (`num_processes`), each on its own device: they share the FLOPs. */
  processes: number;
}

type Config = Record<string, unknown>;
const num = (config: Config, key: string, fallback: number): number => (typeof config[key] === "number" ? (config[key] as number) : fallback);

/** Steps, batch and warm-up of a run on `examples` training rows, by the runner's own rule. */
export function planSteps(configName: ConfigName, config: Config, examples: number): StepPlan {
  const rows = Math.max(0, Math.floor(examples));
  if (configName === "setfit") {
    const batch = num(config, "batch_size", 16);
    const iterations = config.num_iterations === null ? null : num(config, "num_iterations", 20);
    // setfit 1.2 ContrastiveDataset: num_iterations positive and as many negative pairs per row;
    // null: pairs by sampling strategy, about one per other row of the same/other label (n²/2 at most, capped here at n×20).
    const pairs = iterations === null ? Math.min(rows * (rows - 1), rows * 40) : 2 * iterations * rows;
    const stepsPerEpoch = Math.ceil(pairs / batch);
    const maxSteps = num(config, "max_steps", -1);
    const epochs = num(config, "num_epochs", 1);
    const totalSteps = maxSteps > 0 ? maxSteps : Math.ceil(stepsPerEpoch * epochs);
    const warmupSteps = Math.floor(totalSteps * num(config, "warmup_proportion", 0.1));
    return { examples: rows, effectiveBatch: batch, sequencesPerStep: 2 * batch, stepsPerEpoch, epochs: stepsPerEpoch ? totalSteps / stepsPerEpoch : 0, totalSteps, warmupSteps, processes: 1 };
  }
  if (configName === "spacy") {
    const batch = num(config, "batch_size", 32);
    const stepsPerEpoch = Math.ceil(rows / batch);
    const maxSteps = num(config, "max_steps", 20000);
    const maxEpochs = num(config, "max_epochs", 0);
    const byEpochs = maxEpochs > 0 ? stepsPerEpoch * maxEpochs : Infinity;
    const totalSteps = Math.min(maxSteps > 0 ? maxSteps : Infinity, byEpochs);
    return { examples: rows, effectiveBatch: batch, sequencesPerStep: batch, stepsPerEpoch, epochs: stepsPerEpoch ? totalSteps / stepsPerEpoch : 0, totalSteps, warmupSteps: 0, processes: 1 };
  }
  const batch = num(config, "per_device_train_batch_size", 8);
  const accumulation = num(config, "gradient_accumulation_steps", 1);
  const processes = Math.max(1, num(config, "num_processes", 1));
  const stepsPerEpoch = Math.max(1, Math.ceil(Math.ceil(rows / (batch * processes)) / accumulation));
  const maxSteps = num(config, "max_steps", -1);
  const totalSteps = rows === 0 ? 0 : maxSteps > 0 ? maxSteps : Math.ceil(num(config, "num_train_epochs", 1) * stepsPerEpoch);
  const warmup = num(config, "warmup_steps", 0);
  const pairs = configName === "trl-dpo" || configName === "trl-reward" ? 2 : 1;
  return {
    examples: rows,
    effectiveBatch: batch * accumulation * processes,
    sequencesPerStep: batch * accumulation * pairs * processes,
    stepsPerEpoch,
    epochs: rows === 0 ? 0 : totalSteps / stepsPerEpoch,
    totalSteps,
    // transformers 5: a warm-up below 1 is a ratio of all steps.
    warmupSteps: warmup > 0 && warmup < 1 ? Math.ceil(warmup * totalSteps) : Math.floor(warmup),
    processes,
  };
}

export interface EstimateInput {
  configName: ConfigName;
  /** The config with its defaults filled in. */
  config: Config;
  trainExamples: number;
  /** Mean tokens of one sequence the trainer reads (after truncation to the max length). */
  tokensPerSequence: number;
  /** Parameters of the model, or null when unknown (a Hub id): then no time or memory is given. */
  parameters: number | null;
  device: Device;
}

export interface Estimate extends StepPlan {
  /** Tokens the optimizer steps read in all. */
  tokens: number;
  /** Expected wall time in seconds, start included; null without a model size. */
  seconds: number | null;
  /** Expected peak resident memory of the training process in MB; null without a model size. */
  peakMemoryMb: number | null;
  /** How the figures were reached, in one line. */
  basis: string;
}

/** The table row of a device for a model of `parameters`: the smallest band that holds it. */
export function costRow(device: Device, parameters: number): DeviceCost {
  const rows = ESTIMATE_TABLE[device];
  return rows.find((row) => parameters <= row.maxParameters) ?? rows.at(-1)!;
}

const LORA_CONFIGS: ReadonlySet<ConfigName> = new Set(["peft-classification", "peft-causal-lm"]);

export function estimateRun(input: EstimateInput): Estimate {
  const plan = planSteps(input.configName, input.config, input.trainExamples);
  const tokensPerStep = plan.sequencesPerStep * input.tokensPerSequence;
  const tokens = Math.round(plan.totalSteps * tokensPerStep);
  if (input.parameters === null || input.configName === "spacy") {
    const why = input.configName === "spacy" ? "spaCy's bag-of-words model is not a transformer: steps only" : "the model's size is unknown until it is a folder on the server";
    return { ...plan, tokens, seconds: null, peakMemoryMb: null, basis: why };
  }
  const row = costRow(input.device, input.parameters);
  const n = input.parameters;
  // SetFit's head phase embeds each training row once (forward only) before fitting the head.
  const forwardTokens = input.configName === "setfit" ? input.trainExamples * input.tokensPerSequence : 0;
  const flops = 6 * n * tokens + 2 * n * forwardTokens;
  const seconds = row.startSeconds + plan.totalSteps * row.stepSeconds + flops / (row.flopsPerSecond * plan.processes);
  const trainedBytes = LORA_CONFIGS.has(input.configName) ? 4 * n : 16 * n;
  // Each process holds its own copy and its own batch's activations: the peak of one process.
  const peakMemoryMb = row.baseMemoryMb + trainedBytes / 1e6 + (row.activationMbPer1kTokens * tokensPerStep) / plan.processes / 1000;
  return {
    ...plan,
    tokens,
    seconds,
    peakMemoryMb,
    basis: `${row.label} on ${input.device}: 6 × ${formatParameters(n)} parameters × ${tokens.toLocaleString("en-US")} tokens at ${formatFlops(row.flopsPerSecond)} (measured here)${plan.processes > 1 ? ` × ${plan.processes} processes (memory per process)` : ""}, + ${row.startSeconds} s to start${row.stepSeconds ? ` + ${row.stepSeconds} s a step` : ""}; not counting the prepare or a first build of the training environment`,
  };
}

export function formatParameters(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : `${Math.round(n / 1e3)}k`;
}

function formatFlops(flops: number): string {
  return flops >= 1e12 ? `${(flops / 1e12).toFixed(1)} TFLOP/s` : `${(flops / 1e9).toFixed(1)} GFLOP/s`;
}
