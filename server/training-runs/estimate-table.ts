/**
 * What one device trains per second, measured on this machine (2 shared cores, CPU torch 2.13),
 * per band of model size: `npx tsx server/training-runs/estimate-calibrate.ts JOB_DIR…` reads
 * real runs' events (times, rss_mb) and prepared rows and prints these figures. Small models use
 * the cores worse than large ones (per-step overhead), so each band has its own throughput.
 */
export interface DeviceCost {
  label: string;
  /** The band holds models up to this many parameters. */
  maxParameters: number;
  /** Training FLOPs (6 × parameters × tokens) per second, as measured. */
  flopsPerSecond: number;
  /** From spawning the worker to its first step: Python imports, loading the model and rows. */
  startSeconds: number;
  /** Resident memory of the worker with the libraries loaded, before the model. */
  baseMemoryMb: number;
  /** Activation memory per 1,000 tokens of one step. */
  activationMbPer1kTokens: number;
}

export const ESTIMATE_TABLE = {
  cpu: [
    { label: "tiny model (≤ 5M)", maxParameters: 5e6, flopsPerSecond: 2e9, startSeconds: 12, baseMemoryMb: 480, activationMbPer1kTokens: 20 },
    { label: "small model (≤ 150M)", maxParameters: 150e6, flopsPerSecond: 8e9, startSeconds: 14, baseMemoryMb: 480, activationMbPer1kTokens: 400 },
    { label: "larger model", maxParameters: Infinity, flopsPerSecond: 10e9, startSeconds: 30, baseMemoryMb: 480, activationMbPer1kTokens: 2000 },
  ],
} satisfies Record<string, DeviceCost[]>;
