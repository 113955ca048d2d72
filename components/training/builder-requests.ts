/** What the builder hands on: the training procedures' inputs, the export link and the task.json text. */
import type { Framework, SplitSettings, TaskJson } from "./builder-state";

/** The split settings as the training procedures take them. */
export function splitInput(split: SplitSettings) {
  return {
    trainSize: split.trainSize,
    ...(split.testSize !== null ? { testSize: split.testSize } : {}),
    seed: split.seed,
    ...(split.maxRecords !== null ? { maxRecords: split.maxRecords } : {}),
    ...(split.statuses.length ? { filterBy: { responseStatus: [...split.statuses] } } : {}),
  };
}

/**
 * The download link of one prepared split: the same settings as the diagnostics (splitInput:
 * split sizes, seed, max records, status filter) plus the cross-encoder option, in the shape
 * server/services/export-prepared.ts parses, so the file equals what `studio prepare` writes.
 */
export function exportHref(q: {
  dataset: string;
  task: TaskJson;
  framework: Framework;
  split: "train" | "test";
  format: "jsonl" | "parquet";
  settings: SplitSettings;
  crossEncoder?: boolean;
}): string {
  const { settings, crossEncoder, ...rest } = q;
  const body = { ...rest, ...splitInput(settings), ...(crossEncoder ? { crossEncoder: true } : {}) };
  return `/api/export?q=${encodeURIComponent(JSON.stringify(body))}`;
}

/** The filter alone (the preview takes no split). */
export function filterInput(split: SplitSettings) {
  return split.statuses.length ? { filterBy: { responseStatus: [...split.statuses] } } : {};
}

/** The task exactly as a user would save it to task.json. */
export function taskJsonText(task: TaskJson): string {
  return JSON.stringify(task, null, 2);
}
