/**
 * What one device trains per second, measured on this machine (2 shared cores, CPU torch 2.13),
 * per band of model size. `npx tsx server/training-runs/estimate-calibrate.ts JOB_DIR…` reads real
 * runs' folders (job.json, events.jsonl with times and rss_mb, prepared/train.jsonl) and prints
 * these figures; the ones below come from:
 * - small: SetFit on MiniLM (22.7M parameters), sentiment-reviews, 81 rows, 51 steps of 32 texts
 *   of 30.7 tokens: 111 s from step 0 to the last step, i.e. 6 × 22.7M × 50k tokens / 111 s ≈ 60
 *   GFLOP/s (steps took 0.7 s on a quiet moment, up to 10 s when the machine was busy); rss 558 MB
 *   at step 0 with the model loaded, 1,337 MB at the peak; a transformers classification run on
 *   the same rows (12 steps of 8 texts) peaked at 902 MB.
 * - tiny: TRL reward modeling on the tests' tiny Llama (38k parameters), 2 steps of 16 sequences:
 *   2.3 s, about 1 s a step whatever the tokens; rss 493 MB → 517 MB.
 * - start: Python's imports (torch, transformers, the framework) took 16 s before the worker's
 *   `started` event on the busy machine, then 1.6–5.4 s to step 0 (loading the model and rows).
 * The larger band is extrapolated (no run here): the small band's throughput.
 */
export interface DeviceCost {
  label: string;
  /** The band holds models up to this many parameters. */
  maxParameters: number;
  /** Training FLOPs (6 × parameters × tokens) per second, as measured. */
  flopsPerSecond: number;
  /** Per optimizer step beyond its FLOPs (dominates tiny models). */
  stepSeconds: number;
  /** From spawning the worker to its first step: Python imports, loading the model and rows. */
  startSeconds: number;
  /** Resident memory of the worker with the libraries loaded, before the model. */
  baseMemoryMb: number;
  /** Activation memory per 1,000 tokens of one step. */
  activationMbPer1kTokens: number;
}

export const ESTIMATE_TABLE = {
  cpu: [
    { label: "tiny model (≤ 5M)", maxParameters: 5e6, flopsPerSecond: 60e9, stepSeconds: 1, startSeconds: 15, baseMemoryMb: 490, activationMbPer1kTokens: 20 },
    { label: "small model (≤ 150M)", maxParameters: 150e6, flopsPerSecond: 60e9, stepSeconds: 0, startSeconds: 20, baseMemoryMb: 480, activationMbPer1kTokens: 450 },
    { label: "larger model (extrapolated)", maxParameters: Infinity, flopsPerSecond: 60e9, stepSeconds: 0, startSeconds: 30, baseMemoryMb: 480, activationMbPer1kTokens: 2000 },
  ],
} satisfies Record<string, DeviceCost[]>;
