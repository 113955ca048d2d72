/**
 * Turns what the user typed into plain JavaScript that QuickJS can evaluate.
 *
 * esbuild does the parsing for both languages: it strips TypeScript types, reports syntax errors
 * with positions in the user's own text, and rewrites `export`/`import` into CommonJS
 * (`module.exports`, `require`) so the code can run as eval'd statements instead of as an ES
 * module (modules would need a loader and hide their top-level names from us).
 */
import { transformSync, type Message, type TransformOptions } from "esbuild";
import { FormattingFunctionError } from "./errors";
import type { FormattingLanguage } from "./types";

export interface PreparedSource {
  /** CommonJS-flavoured JavaScript statements, evaluated once per QuickJS context. */
  code: string;
  /**
   * Identifiers that may be top-level declarations of the user's code. A cheap textual scan that
   * over-approximates; the driver checks inside QuickJS which of them really are functions.
   */
  candidateNames: string[];
}

export function prepareSource(source: string, language: FormattingLanguage): PreparedSource {
  const code = compile(source, language);
  return { code, candidateNames: findCandidateNames(code, source) };
}

const transformOptions = (language: FormattingLanguage): TransformOptions => ({
  loader: language === "typescript" ? "ts" : "js",
  format: "cjs",
  // QuickJS (2025-09) implements ES2023; lowering to ES2022 also covers `using` and decorators.
  target: "es2022",
  charset: "utf8",
  logLevel: "silent",
});

function compile(source: string, language: FormattingLanguage): string {
  try {
    return transformSync(source, transformOptions(language)).code;
  } catch (asStatements) {
    // `function (sample) { … }` is not a valid statement (a declaration needs a name) but is a
    // fine expression; so is anything else that only parses inside parentheses.
    try {
      return transformSync(`(\n${source}\n)`, transformOptions(language)).code;
    } catch (asExpression) {
      throw syntaxError(pickLikelierError(firstMessage(asStatements), firstMessage(asExpression, -1)));
    }
  }
}

function firstMessage(error: unknown, lineOffset = 0): Message | undefined {
  const message = (error as { errors?: Message[] }).errors?.[0];
  if (!message) throw error; // not a parse failure (e.g. esbuild itself is broken): let it surface
  if (!message.location) return message;
  return { ...message, location: { ...message.location, line: message.location.line + lineOffset } };
}

/** The parse that got further into the source is the one that understood what the user meant. */
function pickLikelierError(a: Message | undefined, b: Message | undefined): Message | undefined {
  const position = (m: Message | undefined) => (m?.location ? m.location.line * 1e6 + m.location.column : -1);
  return position(b) > position(a) ? b : a;
}

function syntaxError(message: Message | undefined): FormattingFunctionError {
  const location = message?.location;
  if (!location) return new FormattingFunctionError("syntax", `formatting function has a syntax error: ${message?.text ?? "unknown"}`);
  const line = Math.max(location.line, 1);
  const column = location.column + 1;
  const pointer = location.lineText ? `\n  ${location.lineText}\n  ${" ".repeat(location.column)}^` : "";
  return new FormattingFunctionError(
    "syntax",
    `formatting function has a syntax error at line ${line}, column ${column}: ${message.text}${pointer}`,
    { line, column },
  );
}

const DECLARATION = /\b(?:function\s*\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)/g;
// Reserved in strict code, so they cannot be bindings and must not appear in the probe we generate.
const NOT_BINDINGS = new Set(["await", "yield", "let", "static", "implements", "interface", "package", "private", "protected", "public", "arguments", "eval"]);

/**
 * Names following `function`, `class`, `const`, `let` or `var` anywhere in the compiled code, kept
 * only if they also occur in the user's own text (which drops esbuild's `__export`-style helpers).
 * Nested declarations and words inside strings are harmless extras: they are not in scope at the
 * top level, so the probe finds nothing under those names.
 */
function findCandidateNames(code: string, source: string): string[] {
  const names = new Set<string>();
  for (const match of code.matchAll(DECLARATION)) {
    const name = match[1];
    if (!NOT_BINDINGS.has(name) && source.includes(name)) names.add(name);
  }
  return [...names];
}
