/**
 * The training task as JSON: versioned, validated with zod, shared by the UI (rendered as a form
 * from `trainingTaskJsonSchema`), the CLI and jobs. Parameter names follow Argilla's
 * `TrainingTask.for_*` factories; fields and questions are referenced by NAME.
 *
 * A task is defined in exactly one of three modes, inferred from its keys when `mode` is absent:
 *   - "function": `formatting_func` present — a JS/TS function run in the sandbox on Argilla's sample;
 *   - "template": `template` present — slots filled from fields and question responses;
 *   - "default":  Argilla's defaults (text classification, question answering, sentence similarity only).
 */
import { z } from "zod";
import { UNIFICATION_STRATEGIES } from "../unify";

export const TASK_SCHEMA_VERSION = 1;

export const TASK_KINDS = [
  "text_classification",
  "question_answering",
  "sentence_similarity",
  "supervised_fine_tuning",
  "reward_modeling",
  "proximal_policy_optimization",
  "direct_preference_optimization",
  "chat_completion",
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Tasks for which Argilla has a defaults path (no formatting_func). */
export const TASKS_WITH_DEFAULTS: readonly TaskKind[] = ["text_classification", "question_answering", "sentence_similarity"];

export const TASK_MODES = ["default", "template", "function"] as const;
export type TaskMode = (typeof TASK_MODES)[number];

export const CHAT_ROLES = ["system", "user", "assistant"] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

const name = (what: string) => z.string().min(1, `${what} must be a non-empty name`);
const fieldName = name("field").describe("Name of a field of the dataset");
const questionName = name("question").describe("Name of a question of the dataset");
const strategy = z.enum(UNIFICATION_STRATEGIES).describe("Unification strategy (which ones apply depends on the question type)");

// ---------------------------------------------------------------------------------------------
// Template building blocks
// ---------------------------------------------------------------------------------------------

export type RankPosition = "best" | "worst" | number;

/**
 * A text slot:
 *   - a string with `{name}` placeholders (a field, or a question → its response); `{a|b}` uses b when a has
 *     no value (e.g. `{new-response|original-response}`: the corrected text if any, else the field); `{{`/`}}`
 *     for literal braces;
 *   - `{"first_of": [spec, ...]}` — the first alternative whose placeholders all have a value (a fallback chain);
 *   - `{"from_ranking": "<ranking question>", "rank": "best" | "worst" | n}` — the item at that rank;
 *     the item's value names a field (its text is used) or, if no field has that name, is used as text.
 */
export type TemplateSpec = string | { first_of: TemplateSpec[] } | { from_ranking: string; rank: RankPosition };

export const templateSpecSchema: z.ZodType<TemplateSpec> = z.lazy(() =>
  z.union([
    z.string().describe("Text with {field} / {question} placeholders; {a|b} falls back to b when a has no value"),
    z.object({ first_of: z.array(templateSpecSchema).min(1).describe("Alternatives, first complete one wins") }).strict(),
    z
      .object({
        from_ranking: questionName.describe("A ranking question"),
        rank: z
          .union([z.enum(["best", "worst"]), z.number().int().min(1)])
          .describe("best = lowest rank number, worst = highest, or an exact rank"),
      })
      .strict(),
  ], { error: 'A template is a string with {placeholders}, {"first_of": [...]} or {"from_ranking": "<question>", "rank": "best" | "worst" | n}' }),
);

export type MessageSpec = { role: ChatRole; content: TemplateSpec } | { from_field: string };

export const messageSpecSchema: z.ZodType<MessageSpec> = z.union([
  z.object({ role: z.enum(CHAT_ROLES), content: templateSpecSchema }).strict(),
  z
    .object({ from_field: fieldName.describe("A field holding a JSON list of {role, content} messages, inserted here") })
    .strict(),
], { error: 'A message is {"role": "system" | "user" | "assistant", "content": <template>} or {"from_field": "<field>"}' });

const messagesSchema = z.array(messageSpecSchema).min(1).describe("The conversation, message by message");

export const RESPONSES_MODES = ["unified", "first_submitted", "each_submitted"] as const;
export type ResponsesMode = (typeof RESPONSES_MODES)[number];

const templateOptions = {
  responses: z
    .enum(RESPONSES_MODES)
    .default("unified")
    .describe(
      "How a question placeholder gets its value: unified (strategy per question), first_submitted, or each_submitted (one row per submitted response)",
    ),
  strategies: z
    .record(z.string(), strategy)
    .optional()
    .describe("Unification strategy per question name (responses: unified); defaults per question type"),
};

const formattingFuncSchema = z
  .object({
    language: z.enum(["javascript", "typescript"]).default("javascript"),
    source: z.string().min(1, "formatting_func.source must not be empty"),
    function_name: z.string().min(1).optional().describe("Name of the function to call when the source defines several"),
  })
  .strict();
export type FormattingFunc = z.infer<typeof formattingFuncSchema>;

// ---------------------------------------------------------------------------------------------
// One schema per (task, mode)
// ---------------------------------------------------------------------------------------------

const versionSchema = z
  .literal(TASK_SCHEMA_VERSION, { error: `Unsupported task version: this studio reads version ${TASK_SCHEMA_VERSION}` })
  .default(TASK_SCHEMA_VERSION);
const seedSchema = z.number().int().default(42).describe("Seed for tie-breaking (same inputs and seed → same rows)");

function variant<T extends TaskKind, M extends TaskMode, S extends z.ZodRawShape>(task: T, mode: M, shape: S) {
  return z
    .object({ version: versionSchema, task: z.literal(task), mode: z.literal(mode), seed: seedSchema, ...shape })
    .strict();
}
const functionVariant = <T extends TaskKind, S extends z.ZodRawShape>(task: T, extra: S) =>
  variant(task, "function", { formatting_func: formattingFuncSchema, ...extra });

const labelParams = {
  label: questionName.describe("The label question (label, multi-label or rating)"),
  label_strategy: strategy.optional(),
};

export const textClassificationSchema = z.discriminatedUnion("mode", [
  variant("text_classification", "default", { text: fieldName, ...labelParams }),
  variant("text_classification", "template", {
    template: z.object({ text: templateSpecSchema }).strict(),
    ...labelParams,
    ...templateOptions,
  }),
  functionVariant("text_classification", {
    labels: z
      .array(z.string())
      .min(2)
      .optional()
      .describe("The label set in id order; without it, the labels the function returns, sorted"),
  }),
]);

export const questionAnsweringSchema = z.discriminatedUnion("mode", [
  variant("question_answering", "default", {
    question: fieldName,
    context: fieldName,
    answer: questionName.describe("A text question holding the answer span"),
  }),
  variant("question_answering", "template", {
    template: z.object({ question: templateSpecSchema, context: templateSpecSchema, answer: templateSpecSchema }).strict(),
    ...templateOptions,
  }),
  functionVariant("question_answering", {}),
]);

const similarityLabel = {
  label: questionName.describe("Optional label question: label (class id) or rating (score)").optional(),
  label_strategy: strategy.optional(),
};
export const sentenceSimilaritySchema = z.discriminatedUnion("mode", [
  variant("sentence_similarity", "default", {
    texts: z.array(fieldName).min(2).max(3).describe("Two fields (pairs) or three (triplets)"),
    ...similarityLabel,
  }),
  variant("sentence_similarity", "template", {
    template: z.object({ texts: z.array(templateSpecSchema).min(2).max(3) }).strict(),
    ...similarityLabel,
    ...templateOptions,
  }),
  functionVariant("sentence_similarity", {}),
]);

export const supervisedFineTuningSchema = z.discriminatedUnion("mode", [
  variant("supervised_fine_tuning", "template", {
    template: z.union([
      z.object({ text: templateSpecSchema }).strict(),
      z.object({ messages: messagesSchema }).strict(),
    ]),
    ...templateOptions,
  }),
  functionVariant("supervised_fine_tuning", {}),
]);

export const rewardModelingSchema = z.discriminatedUnion("mode", [
  variant("reward_modeling", "template", {
    template: z.object({ chosen: templateSpecSchema, rejected: templateSpecSchema }).strict(),
    ...templateOptions,
  }),
  functionVariant("reward_modeling", {}),
]);

export const proximalPolicyOptimizationSchema = z.discriminatedUnion("mode", [
  variant("proximal_policy_optimization", "template", {
    template: z.object({ query: templateSpecSchema }).strict(),
    ...templateOptions,
  }),
  functionVariant("proximal_policy_optimization", {}),
]);

export const directPreferenceOptimizationSchema = z.discriminatedUnion("mode", [
  variant("direct_preference_optimization", "template", {
    template: z.object({ prompt: templateSpecSchema, chosen: templateSpecSchema, rejected: templateSpecSchema }).strict(),
    ...templateOptions,
  }),
  functionVariant("direct_preference_optimization", {}),
]);

export const chatCompletionSchema = z.discriminatedUnion("mode", [
  variant("chat_completion", "template", { template: z.object({ messages: messagesSchema }).strict(), ...templateOptions }),
  functionVariant("chat_completion", {}),
]);

const taskUnion = z.discriminatedUnion("task", [
  textClassificationSchema,
  questionAnsweringSchema,
  sentenceSimilaritySchema,
  supervisedFineTuningSchema,
  rewardModelingSchema,
  proximalPolicyOptimizationSchema,
  directPreferenceOptimizationSchema,
  chatCompletionSchema,
]);

const COMMON_KEYS = new Set(["version", "task", "mode", "seed"]);
const FUNCTION_KEYS = new Set([...COMMON_KEYS, "formatting_func", "labels"]);

/**
 * Infers `mode` from the keys and reports mixed definitions with Argilla-like messages (a
 * formatting function plus parameters, or a task without defaults given no template/function).
 */
function inferMode(input: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input) || "mode" in input) return input;
  const raw = input as Record<string, unknown>;
  if ("formatting_func" in raw) {
    const extra = Object.keys(raw).filter((k) => !FUNCTION_KEYS.has(k));
    if (extra.length === 0) return { ...raw, mode: "function" };
    ctx.addIssue({
      code: "custom",
      message: `\`formatting_func\` is already defined, so you cannot define ${extra.map((k) => `\`${k}\``).join(", ")}: define a task with default parameters, a template, or a formatting function — one of them.`,
      path: [extra[0]!],
    });
    return Object.fromEntries([...Object.entries(raw).filter(([k]) => FUNCTION_KEYS.has(k)), ["mode", "function"]]);
  }
  if ("template" in raw) return { ...raw, mode: "template" };
  if (typeof raw.task === "string" && (TASK_KINDS as readonly string[]).includes(raw.task) && !TASKS_WITH_DEFAULTS.includes(raw.task as TaskKind)) {
    ctx.addIssue({
      code: "custom",
      message: `${raw.task} has no default definition (Argilla requires a formatting_func): give a \`template\` or a \`formatting_func\`.`,
      path: ["template"],
    });
  }
  return { ...raw, mode: "default" };
}

export const trainingTaskSchema = z.preprocess(inferMode, taskUnion);

export type TrainingTask = z.output<typeof taskUnion>;
/** The JSON a user writes (version, seed, mode and responses may be omitted). */
export type TrainingTaskInput = z.input<typeof taskUnion>;
export type TaskOf<K extends TaskKind> = Extract<TrainingTask, { task: K }>;
export type TemplateTask = Extract<TrainingTask, { mode: "template" }>;
export type FunctionTask = Extract<TrainingTask, { mode: "function" }>;

/** A JSON Schema document (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;
let jsonSchema: JsonSchema | undefined;

/** JSON Schema (draft 2020-12) of the task input, for rendering the task as a form (built on first use). */
export function trainingTaskJsonSchema(): JsonSchema {
  jsonSchema ??= z.toJSONSchema(taskUnion, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return jsonSchema;
}

export class TaskParseError extends Error {
  constructor(
    message: string,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(message);
    this.name = "TaskParseError";
  }
}

/** Parses task JSON (an object or a JSON string). Throws TaskParseError with one line per problem. */
export function parseTrainingTask(json: unknown): TrainingTask {
  let input = json;
  if (typeof json === "string") {
    try {
      input = JSON.parse(json);
    } catch (error) {
      throw new TaskParseError(`Task is not valid JSON: ${(error as Error).message}`, []);
    }
  }
  const result = trainingTaskSchema.safeParse(input);
  if (result.success) return result.data;
  throw new TaskParseError(`Invalid training task:\n${z.prettifyError(result.error)}`, result.error.issues);
}
