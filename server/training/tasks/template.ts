/**
 * Template slots: compiled once per task (names resolved against the dataset, every problem
 * reported), then rendered per record and per answer set. The default mode of Argilla's tasks is
 * compiled into the same slots, so both modes share one renderer.
 */
import type { QuestionSettings, RankingItem, ResponseValue, StoredRecord } from "../../feedback/schema";
import { drop, Drop } from "../drop-reasons";
import { InvalidSampleError } from "../errors";
import type { Answers } from "./responses";
import { CHAT_ROLES, type ChatRole, type MessageSpec, type RankPosition, type TemplateSpec } from "./schema";
import type { ChatMessage, DatasetIndex } from "./types";

type Ref = { field: string } | { question: string };
/** Literal text, or a placeholder: the first of its refs that has a value (`{a|b}`). */
type Part = { literal: string } | { refs: Ref[] };

export type CompiledSpec =
  | { kind: "parts"; parts: Part[] }
  | { kind: "first_of"; options: CompiledSpec[] }
  /** `fields`: the dataset's field names; a ranked value naming one of them stands for that field's text. */
  | { kind: "from_ranking"; question: string; rank: RankPosition; fields: ReadonlySet<string> };

export type CompiledMessage = { role: ChatRole; content: CompiledSpec } | { fromField: string };

/** What a task reads from a record, by slot name. */
export type CompiledSlot =
  | { kind: "text"; spec: CompiledSpec }
  | { kind: "texts"; specs: CompiledSpec[] }
  | { kind: "messages"; messages: CompiledMessage[] }
  /** The raw answer to a question (labels), as selected by the responses mode. */
  | { kind: "answer"; question: QuestionSettings };

export type SlotValue = string | string[] | ChatMessage[] | ResponseValue;

// ---------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------

/** A parameter naming a field (Argilla's TextField arguments), as a one-placeholder template. */
export function fieldSpec(name: string, dataset: DatasetIndex, problems: string[], where: string): CompiledSpec {
  if (!dataset.fields.has(name)) problems.push(`${where}: unknown field "${name}" (fields: ${names(dataset.fields)})`);
  return { kind: "parts", parts: [{ refs: [{ field: name }] }] };
}

export function fieldSlot(name: string, dataset: DatasetIndex, problems: string[], where: string): CompiledSlot {
  return { kind: "text", spec: fieldSpec(name, dataset, problems, where) };
}

export function answerSlot(
  name: string,
  dataset: DatasetIndex,
  problems: string[],
  where: string,
  allowed: readonly QuestionSettings["type"][],
): CompiledSlot | undefined {
  const question = dataset.questions.get(name);
  if (!question) {
    problems.push(`${where}: unknown question "${name}" (questions: ${names(dataset.questions)})`);
    return undefined;
  }
  if (!allowed.includes(question.type)) {
    problems.push(`${where}: question "${name}" is a ${question.type} question; expected ${allowed.join(" or ")}`);
    return undefined;
  }
  return { kind: "answer", question };
}

export function compileSpec(spec: TemplateSpec, dataset: DatasetIndex, problems: string[], where: string): CompiledSpec {
  if (typeof spec === "string") return { kind: "parts", parts: parseTemplate(spec, dataset, problems, where) };
  if ("first_of" in spec) {
    return { kind: "first_of", options: spec.first_of.map((s, i) => compileSpec(s, dataset, problems, `${where}.first_of[${i}]`)) };
  }
  const question = dataset.questions.get(spec.from_ranking);
  if (!question) problems.push(`${where}: unknown question "${spec.from_ranking}" (questions: ${names(dataset.questions)})`);
  else if (question.type !== "ranking") problems.push(`${where}: from_ranking needs a ranking question; "${spec.from_ranking}" is ${question.type}`);
  return { kind: "from_ranking", question: spec.from_ranking, rank: spec.rank, fields: new Set(dataset.fields.keys()) };
}

export function compileMessages(messages: MessageSpec[], dataset: DatasetIndex, problems: string[], where: string): CompiledMessage[] {
  return messages.map((message, i) => {
    if ("from_field" in message) {
      if (!dataset.fields.has(message.from_field)) {
        problems.push(`${where}[${i}]: unknown field "${message.from_field}" (fields: ${names(dataset.fields)})`);
      }
      return { fromField: message.from_field };
    }
    return { role: message.role, content: compileSpec(message.content, dataset, problems, `${where}[${i}].content`) };
  });
}

/**
 * `{name}` placeholders, `{a|b}` = a if it has a value, else b; `{{` and `}}` are literal braces
 * (Python str.format conventions).
 */
function parseTemplate(text: string, dataset: DatasetIndex, problems: string[], where: string): Part[] {
  const parts: Part[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if ((ch === "{" || ch === "}") && text[i + 1] === ch) {
      literal += ch;
      i += 2;
    } else if (ch === "{") {
      const close = text.indexOf("}", i + 1);
      const inner = close < 0 ? "" : text.slice(i + 1, close);
      if (close < 0 || inner.includes("{")) {
        problems.push(`${where}: unclosed "{" at position ${i} (write "{{" for a literal brace)`);
        return parts;
      }
      if (literal) parts.push({ literal });
      literal = "";
      parts.push({ refs: inner.split("|").map((name) => resolvePlaceholder(name, dataset, problems, where)) });
      i = close + 1;
    } else if (ch === "}") {
      problems.push(`${where}: unmatched "}" at position ${i} (write "}}" for a literal brace)`);
      return parts;
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal) parts.push({ literal });
  return parts;
}

function resolvePlaceholder(name: string, dataset: DatasetIndex, problems: string[], where: string): Ref {
  const isField = dataset.fields.has(name);
  const question = dataset.questions.get(name);
  if (isField && question) problems.push(`${where}: "{${name}}" is ambiguous: both a field and a question have that name`);
  else if (question?.type === "span") problems.push(`${where}: span question "${name}" cannot be used in a template`);
  else if (!isField && !question) {
    problems.push(
      `${where}: unknown placeholder "{${name}}" (fields: ${names(dataset.fields)}; questions: ${names(dataset.questions)})`,
    );
  }
  return question && !isField ? { question: name } : { field: name };
}

function names(map: Map<string, unknown>): string {
  return [...map.keys()].join(", ") || "none";
}

/** The questions a slot reads (their answers must be selected before rendering). */
export function questionsOfSlot(slot: CompiledSlot, into: Set<string>): void {
  switch (slot.kind) {
    case "answer":
      into.add(slot.question.name);
      return;
    case "text":
      return questionsOfSpec(slot.spec, into);
    case "texts":
      return slot.specs.forEach((s) => questionsOfSpec(s, into));
    case "messages":
      for (const m of slot.messages) if ("content" in m) questionsOfSpec(m.content, into);
  }
}

function questionsOfSpec(spec: CompiledSpec, into: Set<string>): void {
  if (spec.kind === "from_ranking") into.add(spec.question);
  else if (spec.kind === "first_of") spec.options.forEach((s) => questionsOfSpec(s, into));
  else for (const part of spec.parts) if ("refs" in part) for (const ref of part.refs) if ("question" in ref) into.add(ref.question);
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/** What rendering needs: the record, one selection of answers, and whether the record has any submitted response. */
export interface RenderEnv {
  record: StoredRecord;
  answers: Answers;
  hasSubmitted: boolean;
}

export function renderSlot(slot: CompiledSlot, env: RenderEnv): SlotValue | Drop {
  switch (slot.kind) {
    case "text":
      return renderSpec(slot.spec, env);
    case "texts": {
      const texts: string[] = [];
      for (const spec of slot.specs) {
        const text = renderSpec(spec, env);
        if (text instanceof Drop) return text;
        texts.push(text);
      }
      return texts;
    }
    case "messages":
      return renderMessages(slot.messages, env);
    case "answer": {
      const answer = env.answers[slot.question.name];
      return isMissing(answer) ? missingAnswer(slot.question.name, env) : answer!;
    }
  }
}

function renderSpec(spec: CompiledSpec, env: RenderEnv): string | Drop {
  switch (spec.kind) {
    case "parts": {
      const { parts } = spec;
      if (parts.length === 1) return renderPart(parts[0]!, env); // the common "{field}" case: no concatenation
      let text = "";
      for (const part of parts) {
        const value = renderPart(part, env);
        if (value instanceof Drop) return value;
        text += value;
      }
      return text;
    }
    case "first_of": {
      let firstMissing: Drop | undefined;
      for (const option of spec.options) {
        const value = renderSpec(option, env);
        if (!(value instanceof Drop)) return value;
        firstMissing ??= value;
      }
      return firstMissing!;
    }
    case "from_ranking":
      return renderRankedItem(spec, env);
  }
}

function renderPart(part: Part, env: RenderEnv): string | Drop {
  if ("literal" in part) return part.literal;
  let firstMissing: Drop | undefined;
  for (const ref of part.refs) {
    const value = renderRef(ref, env);
    if (!(value instanceof Drop)) return value;
    firstMissing ??= value;
  }
  return firstMissing!;
}

function renderRef(ref: Ref, env: RenderEnv): string | Drop {
  if ("field" in ref) return fieldText(ref.field, env.record);
  const answer = env.answers[ref.question];
  return isMissing(answer) ? missingAnswer(ref.question, env) : answerText(answer!);
}

/** Empty strings and empty label lists count as missing everywhere (so fallback chains skip them). */
function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

export function fieldText(name: string, record: StoredRecord): string | Drop {
  const text = record.fields[name];
  return isMissing(text) ? drop("missing_field", `field "${name}" is empty`) : text!;
}

function missingAnswer(question: string, env: RenderEnv): Drop {
  return env.hasSubmitted
    ? drop("missing_response", `no submitted answer to "${question}"`)
    : drop("no_submitted_responses", `the record has no submitted response (needed for "${question}")`);
}

/** A response value as text: lists joined with ", ", rankings as their values in rank order. */
function answerText(value: ResponseValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (value.length > 0 && typeof value[0] === "object") {
    const items = [...(value as RankingItem[])].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
    return items.map((i) => i.value).join(", ");
  }
  return (value as string[]).join(", ");
}

function renderRankedItem(spec: Extract<CompiledSpec, { kind: "from_ranking" }>, env: RenderEnv): string | Drop {
  const ranking = env.answers[spec.question] as RankingItem[] | undefined;
  if (!ranking || ranking.length === 0) return missingAnswer(spec.question, env);
  const item = itemAtRank(ranking, spec.rank);
  if (item instanceof Drop) return item;
  return spec.fields.has(item.value) ? fieldText(item.value, env.record) : item.value;
}

/** The single item at the rank (best = lowest number). Tied items make the choice ambiguous. */
function itemAtRank(ranking: readonly RankingItem[], rank: RankPosition): RankingItem | Drop {
  let target: number;
  if (rank === "best" || rank === "worst") {
    target = rank === "best" ? Infinity : -Infinity;
    for (const item of ranking) {
      if (item.rank === null) continue;
      target = rank === "best" ? Math.min(target, item.rank) : Math.max(target, item.rank);
    }
    if (!Number.isFinite(target)) return drop("missing_response", "the ranking has no ranked item");
  } else {
    target = rank;
  }
  let found: RankingItem | undefined;
  let count = 0;
  for (const item of ranking) {
    if (item.rank !== target) continue;
    found ??= item;
    count++;
  }
  if (count === 0) return drop("missing_response", `no item is ranked ${target}`);
  if (count > 1) return drop("ambiguous_ranking", `${count} items share rank ${target}`);
  return found!;
}

function renderMessages(messages: CompiledMessage[], env: RenderEnv): ChatMessage[] | Drop {
  const out: ChatMessage[] = [];
  for (const message of messages) {
    if ("fromField" in message) {
      const text = fieldText(message.fromField, env.record);
      if (text instanceof Drop) return text;
      out.push(...parseConversation(text, message.fromField));
    } else {
      const content = renderSpec(message.content, env);
      if (content instanceof Drop) return content;
      out.push({ role: message.role, content });
    }
  }
  return out;
}

/** A field holding a conversation: a JSON list of {role, content}. Malformed data is an error naming the record. */
function parseConversation(text: string, field: string): ChatMessage[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidSampleError(`field "${field}" does not hold a JSON list of {role, content} messages`);
  }
  if (!Array.isArray(parsed)) throw new InvalidSampleError(`field "${field}" does not hold a JSON list of {role, content} messages`);
  return parsed.map((m) => chatMessage((m as { role?: unknown })?.role, (m as { content?: unknown })?.content));
}

/** Validates one chat message (Argilla: "Role must be one of 'system', 'user', 'assistant'"). */
export function chatMessage(role: unknown, content: unknown): ChatMessage {
  if (!(CHAT_ROLES as readonly unknown[]).includes(role)) {
    throw new InvalidSampleError(`Role must be one of 'system', 'user', 'assistant' (got ${JSON.stringify(role)})`);
  }
  if (typeof content !== "string") throw new InvalidSampleError(`message content must be a string (got ${JSON.stringify(content)})`);
  return { role: role as ChatRole, content };
}
