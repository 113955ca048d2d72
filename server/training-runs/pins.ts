/**
 * What a training job pins so that it can be reproduced and described: written as `pins.json` in
 * the job's folder when its rows are prepared, completed with the worker's library versions when it
 * starts, kept in the job's result, and read by the model card (./model-card.ts).
 */
import type { DropReason } from "../training/drop-reasons";
import type { TrainingTask } from "../training";

export interface TrainingPins {
  /** 1: the shape below. */
  version: 1;
  dataset: {
    /** A dataset is pinned by id: a name can be deleted and imported again. */
    id: number;
    name: string;
    /** sha256 (hex) over the records the job read, in the order it read them. */
    contentHash: string;
    /** Records in the dataset when the job prepared it. */
    records: number;
    /** Distinct annotators with a response on those records. */
    annotators: number;
  };
  /** The task JSON as the job received it. */
  task: TrainingTask;
  /** The unification strategy per question the task reads ({question name: "majority", …}). */
  unification: Record<string, string>;
  /** The effective prepare options: trainSize, testSize, seed, … */
  options: Record<string, unknown>;
  framework: string;
  /** A Hub id, a local folder, or `blank:<lang>`. */
  model: string;
  /** The runner's config as validated (defaults filled in). */
  config: Record<string, unknown>;
  seed: number;
  prepared: {
    train: number;
    test: number;
    /** Records dropped, per reason (reasons with no drop are left out). */
    dropped: Partial<Record<DropReason, number>>;
  };
  /** The worker's `started` event versions ({python, torch, transformers, …}); null until it starts. */
  versions: Record<string, string> | null;
  /** The `studio train …` command that queues the same job again. */
  command: string;
}

export const PINS_FILE = "pins.json";
