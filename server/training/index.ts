/**
 * Training preparation for Feedback Studio: Argilla 1.x unification, TrainingTask definitions
 * (default / template / formatting function), per-framework rows, split and diagnostics.
 * Pure TypeScript — no database, no Next — and deterministic for a given task, seed and input.
 */
export {
  TASK_KINDS,
  TASK_MODES,
  TASK_SCHEMA_VERSION,
  TASKS_WITH_DEFAULTS,
  RESPONSES_MODES,
  CHAT_ROLES,
  trainingTaskSchema,
  trainingTaskJsonSchema,
  type JsonSchema,
  parseTrainingTask,
  TaskParseError,
  type TrainingTask,
  type TrainingTaskInput,
  type TaskKind,
  type TaskMode,
  type TaskOf,
  type TemplateSpec,
  type MessageSpec,
  type ResponsesMode,
  type FormattingFunc,
} from "./tasks/schema";
export { readsWholeRecord } from "./tasks";
export { tasksAvailableFor, type DatasetTaskOptions, type TaskAvailability, type ModeAvailability } from "./available";
export type { SlotInfo } from "./tasks/definition";
export { frameworksFor, FRAMEWORKS, type Framework, type FrameworkOptions, type Row } from "./frameworks";
export {
  prepareForTraining,
  type PrepareInput,
  type PreparedData,
  type PreparedMeta,
  type DroppedRecords,
} from "./prepare-for-training";
export {
  formatRecords,
  formatRecordsPage,
  type FormatRecordsOptions,
  type RecordResult,
  type FormattedPage,
} from "./format-records";
export type { FilterBy, StatusFilter } from "./pipeline";
export {
  createDiagnostics,
  diagnosePrepared,
  LENGTH_BINS,
  MAX_TOKENIZED_ROWS,
  TOKEN_BINS,
  MINORITY_CLASS_RATIO,
  type Diagnostics,
  type DiagnosticsOptions,
  type DiagnosticsReport,
  type DiagnosticsWarning,
  type SplitRow,
  type TokenCounter,
} from "./diagnostics";
export { DROP_REASONS, DROP_REASON_LIST, type DropReason } from "./drop-reasons";
export { TaskConfigError, RecordFormattingError, PrepareError } from "./errors";
export {
  UNIFICATION_STRATEGIES,
  STRATEGIES_BY_TYPE,
  DEFAULT_STRATEGY,
  strategiesFor,
  unifyAnswers,
  unifyRecord,
  type UnificationStrategy,
} from "./unify";
export { resolveSplitSizes, splitCounts, splitRows, type SplitSizes } from "./split";
export { toArgillaSample, type ArgillaSample } from "./sample";
export { pythonJsonDumps } from "./python-json";
export type { SandboxOptions, SandboxLimits } from "./tasks/formatting-function";
export type {
  Sample,
  ChatMessage,
  TextClassificationSample,
  QuestionAnsweringSample,
  SentenceSimilaritySample,
  SupervisedFineTuningSample,
  RewardModelingSample,
  ProximalPolicyOptimizationSample,
  DirectPreferenceOptimizationSample,
  ChatCompletionSample,
} from "./tasks/types";
export {
  createDigestPrepare,
  digestPositions,
  fillExamples,
  IrregularDigestError,
  type DigestPrepare,
} from "./digest-prepare";
