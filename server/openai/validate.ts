/**
 * The chat fine-tuning file checked by the provider's documented rules before anything is uploaded
 * (OpenAI's supervised fine-tuning guide and the cookbook's "Chat_finetuning_data_prep" checks):
 * one JSON object per line with a non-empty `messages` list; each message an object with a known
 * role (system, user, assistant, tool), string `content` (an assistant message with `tool_calls`
 * may omit it), no unknown keys, `weight` only 0 or 1 and only on assistant messages; at least one
 * assistant message per example; at least 10 examples; and, where the base model's limit is known,
 * no example over it. Every error names its example by line (line N of the file is example N).
 * Pure: no I/O, so the job, the tRPC check and the tests share it.
 */
import { OPENAI_MIN_EXAMPLES } from "../training/frameworks/openai";

export const PROVIDER_CHAT_ROLES = ["system", "user", "assistant", "tool"] as const;
const MESSAGE_KEYS = new Set(["role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call"]);
const EXAMPLE_KEYS = new Set(["messages", "tools", "parallel_tool_calls", "functions"]);

/**
 * Tokens a training example may hold, by base model (longest matching prefix wins). OpenAI's guide:
 * 16,385 for the gpt-3.5-turbo generation, 65,536 for gpt-4o, gpt-4o-mini and gpt-4.1. Other
 * models and other providers: unknown, unchecked unless the request gives a limit.
 */
export const EXAMPLE_TOKEN_LIMITS: Readonly<Record<string, number>> = {
  "gpt-3.5-turbo": 16_385,
  "gpt-4o": 65_536,
  "gpt-4o-mini": 65_536,
  "gpt-4.1": 65_536,
  "gpt-4.1-mini": 65_536,
  "gpt-4.1-nano": 65_536,
};

/** Errors listed one by one; past this, only counted. */
export const MAX_LISTED_ERRORS = 50;

export type ChatValidationCode =
  | "invalid_json"
  | "data_type"
  | "missing_messages_list"
  | "message_not_object"
  | "message_missing_key"
  | "message_unrecognized_key"
  | "example_unrecognized_key"
  | "unrecognized_role"
  | "missing_content"
  | "invalid_weight"
  | "example_missing_assistant_message"
  | "too_many_tokens"
  | "too_few_examples";

export interface ChatValidationError {
  /** The example's line in the file, 1-based; null for a file-wide error (too few examples). */
  line: number | null;
  code: ChatValidationCode;
  message: string;
}

export interface ChatValidation {
  examples: number;
  errors: ChatValidationError[];
  /** Errors beyond those listed. */
  moreErrors: number;
  /** The estimated tokens of the longest example and the limit checked against (null: unknown). */
  longestExampleTokens: number;
  tokenLimit: number | null;
}

/** The known token limit of a base model (e.g. `gpt-4o-mini-2024-07-18`), or null. */
export function exampleTokenLimit(model: string): number | null {
  let best: string | null = null;
  for (const prefix of Object.keys(EXAMPLE_TOKEN_LIMITS)) {
    if (model.startsWith(prefix) && (best === null || prefix.length > best.length)) best = prefix;
  }
  return best === null ? null : EXAMPLE_TOKEN_LIMITS[best]!;
}

/**
 * An example's tokens, estimated without the model's tokenizer: 4 bytes of UTF-8 a token (the
 * usual rate of English text under OpenAI's tokenizers) plus the cookbook's 3 tokens of framing a
 * message and 3 for the reply's start.
 */
export function estimateTokens(messages: readonly { content?: unknown }[]): number {
  let tokens = 3;
  for (const message of messages) {
    tokens += 3;
    if (typeof message.content === "string") tokens += Math.ceil(Buffer.byteLength(message.content, "utf8") / 4);
  }
  return tokens;
}

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "a list" : typeof value;
}

/** Checks one example (already parsed); returns its errors (without line) and its token estimate. */
function checkExample(example: unknown): { errors: Omit<ChatValidationError, "line">[]; tokens: number } {
  const errors: Omit<ChatValidationError, "line">[] = [];
  if (typeof example !== "object" || example === null || Array.isArray(example)) {
    return { errors: [{ code: "data_type", message: `is ${typeName(example)}, not a JSON object` }], tokens: 0 };
  }
  for (const key of Object.keys(example)) {
    if (!EXAMPLE_KEYS.has(key)) errors.push({ code: "example_unrecognized_key", message: `has an unknown key "${key.slice(0, 40)}" (allowed: ${[...EXAMPLE_KEYS].join(", ")})` });
  }
  const messages = (example as { messages?: unknown }).messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    errors.push({ code: "missing_messages_list", message: Array.isArray(messages) ? "has an empty messages list" : "has no messages list" });
    return { errors, tokens: 0 };
  }
  let assistants = 0;
  messages.forEach((message: unknown, index) => {
    const where = `message ${index + 1}`;
    if (typeof message !== "object" || message === null || Array.isArray(message)) {
      errors.push({ code: "message_not_object", message: `${where} is ${typeName(message)}, not an object` });
      return;
    }
    const m = message as Record<string, unknown>;
    for (const key of Object.keys(m)) {
      if (!MESSAGE_KEYS.has(key)) errors.push({ code: "message_unrecognized_key", message: `${where} has an unknown key "${key.slice(0, 40)}"` });
    }
    if (!("role" in m)) errors.push({ code: "message_missing_key", message: `${where} has no role` });
    else if (!(PROVIDER_CHAT_ROLES as readonly unknown[]).includes(m.role)) {
      errors.push({ code: "unrecognized_role", message: `${where} has the role ${JSON.stringify(String(m.role).slice(0, 40))}; roles are ${PROVIDER_CHAT_ROLES.join(", ")}` });
    }
    if (m.role === "assistant") assistants++;
    const toolCallsOnly = m.role === "assistant" && Array.isArray(m.tool_calls) && m.content === undefined;
    if (!toolCallsOnly && typeof m.content !== "string") {
      errors.push({ code: "missing_content", message: m.content === undefined ? `${where} has no content` : `${where}'s content is ${typeName(m.content)}, not text` });
    }
    if ("weight" in m) {
      if (m.weight !== 0 && m.weight !== 1) errors.push({ code: "invalid_weight", message: `${where}'s weight is ${JSON.stringify(m.weight)}; a weight is 0 or 1` });
      else if (m.role !== "assistant") errors.push({ code: "invalid_weight", message: `${where} has a weight, which only assistant messages take` });
    }
  });
  if (assistants === 0) errors.push({ code: "example_missing_assistant_message", message: "has no assistant message (the reply the model learns)" });
  return { errors, tokens: estimateTokens(messages.filter((m): m is { content?: unknown } => typeof m === "object" && m !== null)) };
}

/**
 * Checks a chat fine-tuning file given as its lines (blank lines are skipped but keep the count, so
 * a line number is the file's). `tokenLimit`: the most tokens an example may hold (null: unknown).
 */
export function validateChatLines(lines: Iterable<string>, { tokenLimit }: { tokenLimit: number | null }): ChatValidation {
  const errors: ChatValidationError[] = [];
  let moreErrors = 0;
  const add = (error: ChatValidationError) => {
    if (errors.length < MAX_LISTED_ERRORS) errors.push(error);
    else moreErrors++;
  };
  let examples = 0;
  let longest = 0;
  let lineNumber = 0;
  for (const raw of lines) {
    lineNumber++;
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() === "") continue;
    examples++;
    let example: unknown;
    try {
      example = JSON.parse(text);
    } catch (error) {
      // V8's message may quote the line; only its position is kept.
      const position = /at position (\d+)/.exec((error as Error).message)?.[1];
      add({ line: lineNumber, code: "invalid_json", message: `line ${lineNumber}: is not valid JSON${position ? ` (at character ${Number(position) + 1})` : ""}` });
      continue;
    }
    const checked = checkExample(example);
    for (const error of checked.errors) add({ line: lineNumber, code: error.code, message: `line ${lineNumber}: ${error.message}` });
    longest = Math.max(longest, checked.tokens);
    if (tokenLimit !== null && checked.tokens > tokenLimit) {
      add({ line: lineNumber, code: "too_many_tokens", message: `line ${lineNumber}: holds about ${checked.tokens} tokens, over the base model's ${tokenLimit} an example may hold` });
    }
  }
  if (examples < OPENAI_MIN_EXAMPLES) {
    add({ line: null, code: "too_few_examples", message: `the file holds ${examples} example${examples === 1 ? "" : "s"}; fine-tuning needs at least ${OPENAI_MIN_EXAMPLES}` });
  }
  return { examples, errors, moreErrors, longestExampleTokens: longest, tokenLimit };
}

/** The errors as one message: the first few, and how many more. */
export function validationSummary(validation: ChatValidation, shown = 5): string {
  const total = validation.errors.length + validation.moreErrors;
  const listed = validation.errors.slice(0, shown).map((error) => error.message);
  const rest = total - listed.length;
  return `the training file does not pass the provider's checks (${total} error${total === 1 ? "" : "s"}): ${listed.join("; ")}${rest > 0 ? `; and ${rest} more` : ""}`;
}
