/** The builder's state in the page URL, so a builder view can be shared and survives a reload. */
import { STATUS_FILTERS, type StatusFilter } from "~/server/feedback/schema";
import { DEFAULT_SPLIT, DEFAULT_VIEW, type BuilderState, type PreviewView, type SplitSettings, type TaskJson, type TaskKind } from "./builder-state";
import { modeOf } from "./task-editing";

function numberParam(params: URLSearchParams, name: string): number | null {
  const raw = params.get(name);
  if (raw === null || raw.trim() === "") return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

/** A task JSON from the URL, or null when absent or not a task of a kind the dataset lists. */
export function parseTaskParam(raw: string | null, kinds: readonly string[]): TaskJson | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
    const task = value as Record<string, unknown>;
    if (typeof task.task !== "string" || !kinds.includes(task.task)) return null;
    return { ...task, task: task.task as TaskKind, mode: modeOf(task) };
  } catch {
    return null;
  }
}

/** Everything but the task (which needs the dataset's options to be checked). */
export function parseSettingsParams(params: URLSearchParams): { framework: string | null; split: SplitSettings; crossEncoder: boolean; view: PreviewView } {
  const trainSize = numberParam(params, "train");
  const testSize = numberParam(params, "test");
  const seed = numberParam(params, "seed");
  const maxRecords = numberParam(params, "max");
  const statuses = (params.get("status") ?? "")
    .split(",")
    .filter((s): s is StatusFilter => (STATUS_FILTERS as readonly string[]).includes(s));
  const sampleSeed = numberParam(params, "shuffle");
  return {
    framework: params.get("framework"),
    split: {
      trainSize: trainSize !== null && trainSize > 0 && trainSize <= 1 ? trainSize : DEFAULT_SPLIT.trainSize,
      testSize: testSize !== null && testSize >= 0 && testSize < 1 ? testSize : null,
      seed: seed !== null && Number.isInteger(seed) ? seed : DEFAULT_SPLIT.seed,
      maxRecords: maxRecords !== null && Number.isInteger(maxRecords) && maxRecords > 0 ? maxRecords : null,
      statuses,
    },
    crossEncoder: params.get("ce") === "1",
    view: {
      mode: params.get("view") === "sample" ? "sample" : "page",
      sampleSeed: sampleSeed !== null && Number.isInteger(sampleSeed) ? sampleSeed : DEFAULT_VIEW.sampleSeed,
    },
  };
}

export function stateToSearchParams(state: BuilderState): URLSearchParams {
  const params = new URLSearchParams();
  params.set("task", JSON.stringify(state.task));
  params.set("framework", state.framework);
  if (state.split.trainSize !== DEFAULT_SPLIT.trainSize) params.set("train", String(state.split.trainSize));
  if (state.split.testSize !== null) params.set("test", String(state.split.testSize));
  if (state.split.seed !== DEFAULT_SPLIT.seed) params.set("seed", String(state.split.seed));
  if (state.split.maxRecords !== null) params.set("max", String(state.split.maxRecords));
  if (state.split.statuses.length) params.set("status", state.split.statuses.join(","));
  if (state.crossEncoder) params.set("ce", "1");
  if (state.view.mode === "sample") {
    params.set("view", "sample");
    params.set("shuffle", String(state.view.sampleSeed));
  }
  return params;
}

/** A training job's pinned task and prepare options as the builder's URL parameters (?fromJob=<id>). */
export function jobSearchParams(pinned: {
  task: unknown;
  framework: string;
  options: { trainSize?: number; testSize?: number; seed?: number; maxRecords?: number; filterBy?: { responseStatus?: string[] }; crossEncoder?: boolean };
}): URLSearchParams {
  const params = new URLSearchParams();
  params.set("task", JSON.stringify(pinned.task));
  params.set("framework", pinned.framework);
  const { options } = pinned;
  // Without a train size a job trains on all rows left after its test split (none: all rows).
  params.set("train", String(options.trainSize ?? (options.testSize !== undefined ? 1 - options.testSize : 1)));
  if (options.testSize !== undefined) params.set("test", String(options.testSize));
  if (options.seed !== undefined) params.set("seed", String(options.seed));
  if (options.maxRecords !== undefined) params.set("max", String(options.maxRecords));
  if (options.filterBy?.responseStatus?.length) params.set("status", options.filterBy.responseStatus.join(","));
  if (options.crossEncoder) params.set("ce", "1");
  return params;
}
