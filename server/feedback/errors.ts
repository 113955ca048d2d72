/**
 * The one error type the import readers raise. Its message always says where the problem is
 * (file, then line for JSONL or row for Parquet, then column or settings key) and what was
 * expected, so a user can fix their export without reading a stack trace, e.g.
 *   data/train.jsonl line 12, column "label": expected one of [joy, sadness], got "happy"
 */

export interface ImportErrorDetails {
  /** File the problem is in, as shown to the user (relative to the export root). */
  file: string;
  /** JSONL line, 1-based. */
  line?: number;
  /** Parquet row, 1-based (row 1 is the first row of the file). */
  row?: number;
  /** Data column (field / question / suggestion / metadata ...). */
  column?: string;
  /** Key path inside a settings file, e.g. `questions[0].labels`. */
  keyPath?: string;
  /** What a valid value looks like, e.g. `integer` or `one of [1, 2, 3]`. */
  expected?: string;
  /** What was found instead, already described (see describeValue / quoteValue). */
  got?: string;
  /** Free-form description, used when the problem is not an expected/got mismatch. */
  problem?: string;
  cause?: unknown;
}

export class ImportError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly row?: number;
  readonly column?: string;
  readonly keyPath?: string;
  readonly expected?: string;
  readonly got?: string;

  constructor(details: ImportErrorDetails) {
    super(formatImportError(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ImportError";
    this.file = details.file;
    this.line = details.line;
    this.row = details.row;
    this.column = details.column;
    this.keyPath = details.keyPath;
    this.expected = details.expected;
    this.got = details.got;
  }
}

function formatImportError(d: ImportErrorDetails): string {
  let where = d.file;
  if (d.line !== undefined) where += ` line ${d.line}`;
  if (d.row !== undefined) where += ` row ${d.row}`;
  if (d.column !== undefined) where += `, column ${JSON.stringify(d.column)}`;
  if (d.keyPath) where += `: ${d.keyPath}`;
  const parts: string[] = [];
  if (d.expected !== undefined) parts.push(`expected ${d.expected}` + (d.got !== undefined ? `, got ${d.got}` : ""));
  if (d.problem !== undefined) parts.push(d.problem);
  return `${where}: ${parts.join("; ") || "invalid"}`;
}

const MAX_SHOWN_CHARS = 60;

function clip(text: string): string {
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
}

/** A value's JSON type and a short preview: `string "3"`, `number 3.5`, `null`, `list [1,2]`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (value === null) return "null";
  if (typeof value === "string") return `string ${clip(JSON.stringify(value))}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${value}`;
  if (typeof value === "bigint") return `number ${value}`;
  if (Array.isArray(value)) return `list ${clip(safeJson(value))}`;
  return `object ${clip(safeJson(value))}`;
}

/** For a value of the right type but not allowed: strings quoted (`"happy"`), numbers bare (`7`). */
export function quoteValue(value: unknown): string {
  if (typeof value === "string") return clip(JSON.stringify(value));
  if (typeof value === "number") return String(value);
  return describeValue(value);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? Number(v) : v)) ?? String(value);
  } catch {
    // Too deep (stack overflow) or circular: String() would recurse the same way.
    return Array.isArray(value) ? "[…]" : "{…}";
  }
}

const MAX_LISTED_OPTIONS = 12;

/** `one of [joy, sadness, …]`: long option lists are cut so messages stay one line. */
export function oneOf(options: readonly (string | number)[]): string {
  const shown = options.slice(0, MAX_LISTED_OPTIONS).join(", ");
  return `one of [${shown}${options.length > MAX_LISTED_OPTIONS ? ", …" : ""}]`;
}

/** `64 MiB`, `512 KiB`, `100 bytes`. */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 3, "GiB"],
    [1024 ** 2, "MiB"],
    [1024, "KiB"],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** Where JSON text first goes wrong: 1-based line and column (in characters), and why. */
export interface JsonSyntaxProblem {
  line: number;
  column: number;
  reason: string;
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const JSON_ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

/**
 * Finds the first syntax error of a text JSON.parse rejected. JSON.parse's own messages quote
 * the text (`Unexpected token 'r', "root:*:202"... is not valid JSON`), and an error must never
 * show a file's content, so the position is found here instead. Iterative: any nesting depth.
 * Only called on the error path.
 */
export function locateJsonError(text: string): JsonSyntaxProblem {
  const containers: ("[" | "{")[] = [];
  let expect: "value" | "first-value" | "key" | "first-key" | "colon" | "after" = "value";
  let i = 0;
  const at = (reason: string): JsonSyntaxProblem => {
    let line = 1;
    let lineStart = 0;
    for (let j = text.indexOf("\n"); j !== -1 && j < i; j = text.indexOf("\n", j + 1)) {
      line++;
      lineStart = j + 1;
    }
    return { line, column: i - lineStart + 1, reason };
  };
  /** Moves past the string starting at i; a problem if it is not a valid JSON string. */
  const skipString = (): JsonSyntaxProblem | undefined => {
    for (i++; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return at("a control character inside a string");
      if (c === 0x5c) {
        const escaped = text[i + 1];
        if (escaped === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return at("a bad \\u escape");
          i += 5;
        } else if (escaped !== undefined && JSON_ESCAPES.has(escaped)) i++;
        else return at("a bad escape character");
      }
    }
    return at("a string that is never closed");
  };
  for (;;) {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
    if (i >= text.length) {
      if (containers.length === 0 && expect === "after") return at("no syntax error found");
      return at("the JSON ends too early");
    }
    const c = text[i]!;
    switch (expect) {
      case "value":
      case "first-value": {
        if (c === "]" && expect === "first-value") {
          containers.pop();
          i++;
          expect = "after";
        } else if (c === "{" || c === "[") {
          containers.push(c);
          i++;
          expect = c === "{" ? "first-key" : "first-value";
        } else if (c === '"') {
          const problem = skipString();
          if (problem) return problem;
          expect = "after";
        } else if (c === "-" || (c >= "0" && c <= "9")) {
          JSON_NUMBER.lastIndex = i;
          if (!JSON_NUMBER.test(text)) return at("an invalid number");
          i = JSON_NUMBER.lastIndex;
          expect = "after";
        } else {
          const literal = ["true", "false", "null"].find((word) => text.startsWith(word, i));
          if (!literal) return at("an unexpected character where a value should be");
          i += literal.length;
          expect = "after";
        }
        break;
      }
      case "key":
      case "first-key":
        if (c === "}" && expect === "first-key") {
          containers.pop();
          i++;
          expect = "after";
          break;
        }
        if (c !== '"') return at("expected a double-quoted property name");
        {
          const problem = skipString();
          if (problem) return problem;
        }
        expect = "colon";
        break;
      case "colon":
        if (c !== ":") return at("expected ':' after a property name");
        i++;
        expect = "value";
        break;
      case "after": {
        const open = containers.at(-1);
        if (open === undefined) return at("unexpected text after the JSON value");
        if (c === ",") {
          i++;
          expect = open === "{" ? "key" : "value";
        } else if ((c === "]" && open === "[") || (c === "}" && open === "{")) {
          containers.pop();
          i++;
        } else {
          return at(open === "{" ? "expected ',' or '}' after a property value" : "expected ',' or ']' after a list item");
        }
        break;
      }
    }
  }
}
