/**
 * Training preparation for Feedback Studio: Argilla 1.x unification, TrainingTask definitions
 * (default / template / formatting function), per-framework rows, split and diagnostics.
 * Pure TypeScript — no database, no Next — and deterministic for a given task, seed and input.
 *
 * What the API, the services, the CLI, the benchmarks and the tests use; the rest stays inside
 * the folder (import a module directly for it). The digest fast path is not exported here.
 */
export {
  TASK_KINDS,
  parseTrainingTask,
  TaskParseError,
  type TrainingTask,
} from "./tasks/schema";
export { readsWholeRecord } from "./tasks";
export { tasksAvailableFor } from "./available";
export { frameworksFor, FRAMEWORKS, type Framework, type FrameworkOptions, type Row } from "./frameworks";
export { prepareForTraining, type PreparedData, type PreparedMeta } from "./prepare-for-training";
export { formatRecordsPage } from "./format-records";
export type { FilterBy } from "./pipeline";
export { diagnosePrepared, type DiagnosticsReport, type TokenCounter } from "./diagnostics";
export { DROP_REASONS } from "./drop-reasons";
export { TaskConfigError } from "./errors";
export type { SandboxOptions } from "./tasks/formatting-function";
