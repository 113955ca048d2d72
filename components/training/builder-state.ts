/**
 * The task builder's state and its pure helpers: the task JSON being edited, the framework, split
 * settings and preview view; their round trip through the URL (so a builder view can be shared
 * and survives a reload); starting tasks and example formatting functions built from a dataset's
 * own field and question names. No React, no server imports other than types.
 */
import type { ChatRole, MessageSpec, ResponsesMode, TaskKind, TaskMode, TemplateSpec } from "~/server/training/tasks/schema";
import type { Framework } from "~/server/training/frameworks/types";
import type { DatasetSettings, SlotInfo, TrainingOptions } from "./types";

export type { ChatRole, MessageSpec, ResponsesMode, TaskKind, TaskMode, TemplateSpec, Framework };

export const MODE_LABELS: Record<TaskMode, string> = { default: "Default", template: "Template", function: "Formatting function" };
export const RESPONSES_MODE_LIST: { value: ResponsesMode; label: string }[] = [
  { value: "unified", label: "Unified (strategy per question)" },
  { value: "first_submitted", label: "First submitted response" },
  { value: "each_submitted", label: "Each submitted response (one row each)" },
];
export const CHAT_ROLE_LIST: ChatRole[] = ["system", "user", "assistant"];
export const STATUS_FILTERS = ["submitted", "draft", "discarded", "pending"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export type FunctionLanguage = "javascript" | "typescript";

/** The task as JSON, loosely typed: it is edited field by field and validated by the server. */
export type TaskJson = { task: TaskKind; mode: TaskMode } & Record<string, unknown>;

export interface SplitSettings {
  /** Fraction of rows for training, (0, 1]. */
  trainSize: number;
  /** Fraction for testing; null: 1 - trainSize. */
  testSize: number | null;
  seed: number;
  maxRecords: number | null;
  /** Keep records with a response of one of these statuses; empty: no filter. */
  statuses: StatusFilter[];
}

export interface PreviewView {
  mode: "page" | "sample";
  sampleSeed: number;
}

export interface BuilderState {
  task: TaskJson;
  framework: Framework;
  split: SplitSettings;
  crossEncoder: boolean;
  view: PreviewView;
}

export const DEFAULT_SPLIT: SplitSettings = { trainSize: 0.8, testSize: null, seed: 42, maxRecords: null, statuses: [] };
export const DEFAULT_VIEW: PreviewView = { mode: "page", sampleSeed: 1 };

// ---------------------------------------------------------------------------------------------
// Task JSON access
// ---------------------------------------------------------------------------------------------

/** The mode a task JSON is defined in (explicit, or inferred from its keys as the schema does). */
export function modeOf(raw: Record<string, unknown>): TaskMode {
  if (raw.mode === "default" || raw.mode === "template" || raw.mode === "function") return raw.mode;
  if ("formatting_func" in raw) return "function";
  if ("template" in raw) return "template";
  return "default";
}

/** Reads a dotted path ("template.prompt"). */
export function getPath(task: Record<string, unknown>, path: string): unknown {
  let value: unknown = task;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Returns a copy with the dotted path set (undefined removes the key). */
export function setPath<T extends Record<string, unknown>>(task: T, path: string, value: unknown): T {
  const [key, ...rest] = path.split(".");
  const copy: Record<string, unknown> = { ...task };
  if (rest.length === 0) {
    if (value === undefined) delete copy[key!];
    else copy[key!] = value;
  } else {
    const child = copy[key!];
    copy[key!] = setPath(typeof child === "object" && child !== null && !Array.isArray(child) ? (child as Record<string, unknown>) : {}, rest.join("."), value);
  }
  return copy as T;
}

/** The slot's last path segment, as shown in the form ("template.chosen" → "chosen"). */
export function slotName(slot: string): string {
  return slot.split(".").pop()!;
}

export type SpecKind = "text" | "ranking" | "json";

export function specKind(spec: unknown): SpecKind {
  if (typeof spec === "string" || spec === undefined) return "text";
  if (typeof spec === "object" && spec !== null && "from_ranking" in spec) return "ranking";
  return "json";
}

/** `{name}` for a placeholder; literal braces in a name cannot be written, so none are expected. */
export function placeholder(name: string): string {
  return `{${name}}`;
}

/** Inserts text into a string at a selection, returning the new text and caret position. */
export function insertAt(text: string, insert: string, start: number, end = start): { text: string; caret: number } {
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + insert + text.slice(b), caret: a + insert.length };
}

/** Question names a task JSON refers to: as placeholders, rankings, or label/answer parameters. */
export function referencedNames(task: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  const visit = (value: unknown, key?: string) => {
    if (typeof value === "string") {
      if (key === "label" || key === "answer" || key === "from_ranking" || key === "from_field") names.add(value);
      for (const match of value.replace(/\{\{|\}\}/g, "").matchAll(/\{([^{}]+)\}/g)) for (const name of match[1]!.split("|")) names.add(name.trim());
    } else if (Array.isArray(value)) value.forEach((v) => visit(v));
    else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) if (k !== "formatting_func" && k !== "strategies") visit(v, k);
    }
  };
  visit(task);
  return names;
}

// ---------------------------------------------------------------------------------------------
// URL round trip
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Starting points
// ---------------------------------------------------------------------------------------------

interface DatasetNames {
  fields: string[];
  /** Fields every record has (optional ones may be empty, and a template using one drops the record). */
  requiredFields: string[];
  textQuestions: string[];
  rankings: string[];
  /** Ranking question → its item values. */
  rankingValues: Map<string, string[]>;
  placeholders: string[];
}

function namesOf(settings: DatasetSettings | undefined, options: TrainingOptions): DatasetNames {
  const fields = settings?.fields.map((f) => f.name) ?? [];
  const questions = settings?.questions ?? [];
  const rankingValues = new Map<string, string[]>();
  for (const q of questions) {
    if (q.type === "ranking") rankingValues.set(q.name, (Array.isArray(q.values) ? q.values : Object.keys(q.values)).map(String));
  }
  const required = settings?.fields.filter((f) => f.required).map((f) => f.name) ?? [];
  return {
    fields,
    requiredFields: required.length ? required : fields,
    textQuestions: questions.filter((q) => q.type === "text").map((q) => q.name),
    rankings: options.rankings,
    rankingValues,
    placeholders: options.placeholders,
  };
}

/** Fields that are not the items of a ranking (the prompt beside the ranked responses). */
function promptFields(names: DatasetNames): string[] {
  const ranked = new Set([...names.rankingValues.values()].flat());
  const rest = names.fields.filter((f) => !ranked.has(f));
  return rest.length ? rest : names.fields;
}

/** The "answer" of a record: a corrected/written text response, falling back to the last field. */
function answerTemplate(names: DatasetNames): string {
  const q = names.textQuestions[0];
  const last = names.fields.length > 1 ? names.fields[names.fields.length - 1] : undefined;
  if (q && last) return `{${q}|${last}}`;
  if (q) return placeholder(q);
  return placeholder(last ?? names.fields[0] ?? "text");
}

function fieldFor(role: string, candidates: string[], fallbackIndex = 0): string | undefined {
  if (candidates.includes(role)) return role;
  return candidates[Math.min(fallbackIndex, candidates.length - 1)];
}

function guessTemplate(slot: string, names: DatasetNames): TemplateSpec {
  const prompt = promptFields(names);
  const firstField = names.fields[0] ?? "text";
  const ranking = names.rankings[0];
  if ((slot === "chosen" || slot === "rejected") && ranking) return { from_ranking: ranking, rank: slot === "chosen" ? "best" : "worst" };
  switch (slot) {
    case "text":
      return names.requiredFields.length > 1 ? names.requiredFields.map(placeholder).join("\n\n") : placeholder(names.requiredFields[0] ?? firstField);
    case "prompt":
    case "query":
      return placeholder(prompt[0] ?? firstField);
    case "question":
      return placeholder(fieldFor("question", names.fields) ?? firstField);
    case "context":
      return placeholder(fieldFor("context", names.fields, 1) ?? firstField);
    case "answer":
      return names.textQuestions[0] ? placeholder(names.textQuestions[0]) : placeholder(names.fields[names.fields.length - 1] ?? firstField);
    case "chosen":
      return answerTemplate(names);
    case "rejected": {
      // Without a ranking or a written answer, any other field: identical texts would be dropped.
      const last = names.fields[names.fields.length - 1] ?? firstField;
      return placeholder(names.textQuestions.length || names.fields.length < 2 ? last : names.fields[names.fields.length - 2]!);
    }
    default:
      return names.placeholders.includes(slot) ? placeholder(slot) : placeholder(firstField);
  }
}

function sftTemplate(names: DatasetNames): string {
  const instruction = names.fields[0] ?? "text";
  if (names.fields.length < 2 && !names.textQuestions.length) return placeholder(instruction);
  return `### Instruction:\n{${instruction}}\n\n### Response:\n${answerTemplate(names)}`;
}

/** Words in a field's name that say it holds a conversation, a JSON list of {role, content} (what {"from_field"} reads). */
const CONVERSATION_WORDS = new Set(["conversation", "messages", "chat", "dialog", "dialogue"]);

function conversationField(fields: string[]): string | undefined {
  return fields.find((f) => f.toLowerCase().split(/[^a-z]+/).some((word) => CONVERSATION_WORDS.has(word)));
}

/**
 * A chat: the conversation a field holds, then the assistant's reply (a written answer, else
 * another field: one beside a conversation is a draft of the next turn). Without such a field,
 * the first field is the user's message.
 */
export function defaultMessages(names: Pick<DatasetNames, "fields" | "textQuestions">): MessageSpec[] {
  const conversation = conversationField(names.fields);
  if (conversation) {
    const reply = names.textQuestions[0] ?? names.fields.filter((f) => f !== conversation).at(-1);
    return [{ from_field: conversation }, ...(reply ? [{ role: "assistant" as const, content: placeholder(reply) }] : [])];
  }
  const first = names.fields[0] ?? "text";
  return [
    { role: "user", content: placeholder(first) },
    { role: "assistant", content: answerTemplate({ ...names, requiredFields: names.fields, rankings: [], rankingValues: new Map(), placeholders: [] }) },
  ];
}

/** The slots of a task kind in a mode, as the options list them. */
export function slotsOf(options: TrainingOptions, kind: TaskKind, mode: TaskMode): SlotInfo[] {
  const availability = options.tasks.find((t) => t.task === kind);
  return availability?.modes[mode]?.slots ?? [];
}

/** A working starting task for a kind and mode, from the dataset's own names. */
export function initialTask(kind: TaskKind, mode: TaskMode, options: TrainingOptions, settings: DatasetSettings | undefined): TaskJson {
  const names = namesOf(settings, options);
  let task: TaskJson = { task: kind, mode };
  if (mode === "function") {
    return { ...task, formatting_func: { language: "javascript", source: exampleFunction(kind, settings, options, "javascript") } };
  }
  for (const slot of slotsOf(options, kind, mode)) {
    const name = slotName(slot.slot);
    switch (slot.accepts) {
      case "field":
        task = setPath(task, slot.slot, fieldFor(name, slot.candidates, name === "context" ? 1 : 0));
        break;
      case "fields":
        task = setPath(task, slot.slot, slot.candidates.slice(0, slot.count?.min ?? 2));
        break;
      case "question":
        if (slot.candidates.length) task = setPath(task, slot.slot, slot.candidates[0]);
        break;
      case "template":
        task = setPath(task, slot.slot, kind === "supervised_fine_tuning" ? sftTemplate(names) : guessTemplate(name, names));
        break;
      case "templates": {
        const wanted = slot.count?.min ?? 2;
        const pool = [...names.fields, ...names.placeholders.filter((p) => !names.fields.includes(p))];
        const texts = pool.slice(0, wanted);
        while (texts.length < wanted) texts.push(names.fields[0] ?? "text");
        task = setPath(task, slot.slot, texts.map(placeholder));
        break;
      }
      case "messages":
        // SFT offers a conversation as an alternative to its text template; chat needs one.
        if (slot.required) task = setPath(task, slot.slot, defaultMessages(names));
        break;
    }
  }
  return task;
}

/** The first framework of a kind, unless the current one also trains it. */
export function frameworkFor(kind: TaskKind, current: string | null | undefined, options: TrainingOptions): Framework {
  const frameworks = (options.frameworks[kind] ?? []) as Framework[];
  return current && (frameworks as string[]).includes(current) ? (current as Framework) : (frameworks[0] ?? "transformers");
}

/** Modes a kind can use on this dataset. */
export function availableModes(options: TrainingOptions, kind: TaskKind): TaskMode[] {
  const availability = options.tasks.find((t) => t.task === kind);
  if (!availability) return [];
  return (["default", "template", "function"] as const).filter((m) => availability.modes[m]?.available);
}

/**
 * The task a dataset most likely wants: classification when it has a label question, preference
 * tuning when it has a ranking, extractive QA or similarity when their defaults apply, else SFT.
 */
export function firstTaskKind(options: TrainingOptions): TaskKind {
  const can = (kind: TaskKind, mode: TaskMode) => options.tasks.find((t) => t.task === kind)?.modes[mode]?.available === true;
  if (can("text_classification", "default")) return "text_classification";
  if (options.rankings.length && can("direct_preference_optimization", "template")) return "direct_preference_optimization";
  if (can("question_answering", "default")) return "question_answering";
  if (can("sentence_similarity", "default")) return "sentence_similarity";
  if (can("supervised_fine_tuning", "template")) return "supervised_fine_tuning";
  const declarative = options.tasks.find((t) => t.modes.default?.available || t.modes.template.available);
  return (declarative ?? options.tasks[0])!.task;
}

/** The preferred mode of a kind: default when available, then template, then function. */
export function preferredMode(options: TrainingOptions, kind: TaskKind): TaskMode {
  return availableModes(options, kind)[0] ?? "function";
}

// ---------------------------------------------------------------------------------------------
// Example formatting functions
// ---------------------------------------------------------------------------------------------

const EXPECTED: Record<TaskKind, string> = {
  text_classification: "[text, label] (or [text, [label, ...]] for multi-label)",
  question_answering: "[question, context, answer]",
  sentence_similarity: '{"sentence-1", "sentence-2"[, "sentence-3"][, label]}',
  supervised_fine_tuning: "the training text",
  reward_modeling: "[chosen, rejected]",
  proximal_policy_optimization: "the query text",
  direct_preference_optimization: "[prompt, chosen, rejected]",
  chat_completion: "[chat id, turn, role, content] rows",
};

/**
 * A formatting function that works on this dataset for the task, written with its field and
 * question names, in JavaScript or TypeScript.
 */
export function exampleFunction(kind: TaskKind, settings: DatasetSettings | undefined, options: TrainingOptions, language: FunctionLanguage): string {
  const names = namesOf(settings, options);
  const questions = settings?.questions ?? [];
  const ts = language === "typescript";
  const s = (name: string) => `sample[${JSON.stringify(name)}]`;
  const r = ts ? "(response: SampleResponse)" : "(response)";
  const submitted = (q: string) => `${s(q)}.filter(${r} => response.status === "submitted")`;
  const firstSubmitted = (q: string) => `${s(q)}.find(${r} => response.status === "submitted")`;
  const fields = names.fields.length ? names.fields : ["text"];
  const first = fields[0]!;
  const last = fields[fields.length - 1]!;
  const labelQuestion = questions.find((q) => q.type === "label_selection" || q.type === "multi_label_selection" || q.type === "rating")?.name;
  const textQuestion = names.textQuestions[0];
  const ranking = names.rankings[0];
  const body: string[] = [];
  const optional = new Set(settings?.fields.filter((f) => !f.required).map((f) => f.name) ?? []);
  /** Skips records where an optional field the example reads is empty. */
  const guard = (...used: string[]) => {
    const empty = [...new Set(used)].filter((f) => optional.has(f));
    if (empty.length) body.push(`  if (${empty.map((f) => `${s(f)} == null`).join(" || ")}) return null; // optional field`);
  };
  const rankingLines = (q: string) => [
    `  const ranking = ${firstSubmitted(q)};`,
    `  if (!ranking) return null;`,
    `  // A ranking holds parallel lists: value[i] has rank[i] (1 = best). Tied ranks: skip the record.`,
    `  const { rank, value } = ranking.value;`,
    `  const best = value[rank.indexOf(Math.min(...rank))];`,
    `  const worst = value[rank.indexOf(Math.max(...rank))];`,
    `  if (Math.min(...rank) === Math.max(...rank)) return null;`,
  ];
  const answerLines = () =>
    textQuestion
      ? [`  const answer = ${firstSubmitted(textQuestion)};`, `  const response = answer ? answer.value : ${s(fields.length > 1 ? last : first)};`]
      : [`  const response = ${s(last)};`];

  switch (kind) {
    case "text_classification": {
      body.push(fields.length > 1 ? `  const text = [${fields.map(s).join(", ")}].join("\\n\\n");` : `  const text = ${s(first)};`);
      if (labelQuestion) body.push(`  return ${submitted(labelQuestion)}.map(${r} => [text, response.value]);`);
      else body.push(`  // No label question in this dataset: derive a label from the record.`, `  return [text, text.length > 200 ? "long" : "short"];`);
      break;
    }
    case "question_answering": {
      const question = fieldFor("question", fields)!;
      const context = fieldFor("context", fields, 1)!;
      guard(question, context);
      if (textQuestion) body.push(`  return ${submitted(textQuestion)}.map(${r} => [${s(question)}, ${s(context)}, response.value]);`);
      else body.push(`  // No text question holds an answer: this takes the first sentence of the context.`, `  return [${s(question)}, ${s(context)}, ${s(context)}.split(". ")[0]];`);
      break;
    }
    case "sentence_similarity": {
      const pair = `"sentence-1": ${s(first)}, "sentence-2": ${s(fields[1] ?? first)}`;
      guard(first, fields[1] ?? first);
      const similarity = questions.find((q) => q.type === "rating" || q.type === "label_selection")?.name;
      if (similarity) {
        body.push(`  const rated = ${firstSubmitted(similarity)};`, `  if (!rated) return null;`, `  return { ${pair}, label: rated.value };`);
      } else body.push(`  return { ${pair} };`);
      break;
    }
    case "supervised_fine_tuning": {
      body.push(...answerLines());
      body.push(`  return \`### Instruction:\\n\${${s(first)}}\\n\\n### Response:\\n\${response}\`;`);
      break;
    }
    case "reward_modeling":
    case "direct_preference_optimization": {
      const prompt = kind === "direct_preference_optimization" ? `${s(promptFields(names)[0] ?? first)}, ` : "";
      if (ranking) {
        body.push(...rankingLines(ranking));
        body.push(`  // The ranked items name fields here; their texts are the completions.`, `  return [${prompt}sample[best] ?? best, sample[worst] ?? worst];`);
      } else if (textQuestion) {
        body.push(`  const corrected = ${firstSubmitted(textQuestion)};`, `  if (!corrected) return null;`, `  return [${prompt}corrected.value, ${s(last)}];`);
      } else body.push(`  return [${prompt}${s(last)}, ${s(fields[fields.length - 2] ?? first)}];`);
      break;
    }
    case "proximal_policy_optimization":
      body.push(`  return ${s(promptFields(names)[0] ?? first)};`);
      break;
    case "chat_completion": {
      body.push(...answerLines());
      const conversation = conversationField(fields);
      if (conversation) {
        const message = ts ? "(message: { role: string; content: string }, turn: number)" : "(message, turn)";
        body.push(
          `  // ${JSON.stringify(conversation)} holds the chat so far, a JSON list of {role, content}; one chat per record (id 0).`,
          `  const turns = JSON.parse(${s(conversation)}).map(${message} => [0, turn, message.role, message.content]);`,
          `  return [...turns, [0, turns.length, "assistant", response]];`,
        );
      } else {
        body.push(`  // One conversation per record (chat id 0): turns in order.`, `  return [`, `    [0, 0, "user", ${s(first)}],`, `    [0, 1, "assistant", response],`, `  ];`);
      }
      break;
    }
  }

  const header = [
    `// Called once per record with Argilla's sample: each field's text by name and, per question,`,
    `// a list of responses {user_id, value, status} (every status: filter them yourself).`,
    `// Return ${EXPECTED[kind]}, a list of them, or null to skip the record.`,
  ];
  const types = ts ? [`type SampleResponse = { user_id: string | null; value: any; status: string };`, `type Sample = Record<string, any>;`, ``] : [];
  return [...header, ...types, `function formatting_func(sample${ts ? ": Sample" : ""}) {`, ...body, `}`, ``].join("\n");
}
