/**
 * Tokenizers for token-length diagnostics: a Hugging Face `tokenizer.json` (with its
 * `tokenizer_config.json` when present) from a folder or file on the server, run by
 * tokenizers.js (pure JS, the same tokenizer implementations as Transformers.js).
 *
 * A request names the folder, so by default it must lie under the allowed roots
 * (./allowed-paths.ts), and so must every file read from it. Errors echo the path as it
 * was given and never quote a file's content.
 */
import fs from "node:fs";
import path from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { ALLOWED_ROOTS_HINT, quotePath, realPathUnder } from "../feedback/path-roots";
import { allowedRoots } from "./allowed-paths";
import type { TokenCounter } from "../training";

export class TokenizerLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenizerLoadError";
  }
}

export interface LoadTokenizerOptions {
  /** Read any path the process can (the CLI, run by a person with a shell). Default: only under the allowed roots. */
  anyPath?: boolean;
  /** The allowed roots (real paths); default allowedRoots(). */
  roots?: readonly string[];
}

const MAX_CACHED = 4;
const cache = new Map<string, TokenCounter>();

/** A folder holding tokenizer.json, or the tokenizer.json file itself. Remembered until the file changes. */
export async function loadTokenizer(source: string, options: LoadTokenizerOptions = {}): Promise<TokenCounter> {
  const given = source.trim();
  // Every file is opened only once it resolves under the roots; null: missing, or outside them.
  const roots = options.anyPath ? null : (options.roots ?? (await allowedRoots()));
  const readable = (file: string): Promise<string | null> =>
    roots ? realPathUnder(file, roots) : fs.promises.realpath(/*turbopackIgnore: true*/ path.resolve(/*turbopackIgnore: true*/ file)).catch(() => null);

  const resolved = await readable(given);
  const stat = resolved === null ? null : await fs.promises.stat(resolved).catch(() => null);
  if (!resolved || !stat) {
    const where = roots ? `a folder under ${ALLOWED_ROOTS_HINT}` : "a folder on the server";
    const hubId = /^[\w.-]+\/[\w.-]+$/.test(given) ? ` It looks like a Hugging Face Hub id: download its tokenizer.json into a folder on the server and give that folder.` : "";
    throw new TokenizerLoadError(`No tokenizer at ${given}: give ${where} that holds tokenizer.json, or the file itself.${hubId}`);
  }
  const shownFile = stat.isDirectory() ? `${given.replace(/[\\/]+$/, "")}/tokenizer.json` : given;
  const file = stat.isDirectory() ? await readable(path.join(/*turbopackIgnore: true*/ resolved, "tokenizer.json")) : resolved;
  const fileStat = file === null ? null : await fs.promises.stat(file).catch(() => null);
  if (!file || !fileStat?.isFile()) throw new TokenizerLoadError(`${quotePath(given)} has no tokenizer.json${roots ? " inside the folders the studio may read" : ""}`);

  const key = `${file}\u0000${fileStat.mtimeMs}`;
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key); // most recently used last
    cache.set(key, cached);
    return cached;
  }
  const tokenizerJson = await readJson(file, shownFile);
  // Beside tokenizer.json as named: in a Hub cache snapshot, each file is a link to its own blob.
  const folder = stat.isDirectory() ? resolved : path.dirname(path.resolve(/*turbopackIgnore: true*/ given));
  const config = await readConfig(path.join(/*turbopackIgnore: true*/ folder, "tokenizer_config.json"), readable);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, config);
  } catch (error) {
    throw new TokenizerLoadError(`${quotePath(shownFile)} is not a tokenizer this studio can run: ${clip((error as Error).message)}`);
  }
  const counter: TokenCounter = {
    tokenizer: given,
    // Special tokens ([CLS], <s>, …) are left out: the histogram is about the text.
    count: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids.length,
  };
  cache.set(key, counter);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return counter;
}

/** tokenizer_config.json beside tokenizer.json: optional, but a link that leads nowhere readable is refused. */
async function readConfig(configPath: string, readable: (file: string) => Promise<string | null>): Promise<object> {
  const entry = await fs.promises.lstat(configPath).catch(() => null);
  if (!entry) return {};
  const real = await readable(configPath);
  if (!real) throw new TokenizerLoadError(`tokenizer_config.json beside tokenizer.json cannot be read: it is a link to a missing file or to one outside the folders the studio may read`);
  return readJson(real, "tokenizer_config.json");
}

async function readJson(file: string, shown: string): Promise<object> {
  const text = await fs.promises.readFile(file, "utf8");
  try {
    return JSON.parse(text) as object;
  } catch {
    // JSON.parse's message quotes the text: say only where it breaks.
    throw new TokenizerLoadError(`${quotePath(shown)} is not valid JSON (${describeJsonErrorAt(text)})`);
  }
}

const clip = (message: string): string => (message.length > 200 ? `${message.slice(0, 200)}…` : message);

/** `line 3, column 7` where `text` stops being JSON, or `it ends too early`. */
export function describeJsonErrorAt(text: string): string {
  const offset = jsonSyntaxErrorOffset(text);
  if (offset >= text.length) return "it ends too early";
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `line ${line}, column ${offset - before.lastIndexOf("\n")}`;
}

// One JSON token after optional whitespace: a string, a number or literal, or punctuation.
const TOKEN = /[ \t\n\r]*(?:("(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)|([{}[\]:,]))/y;

/** The offset of the first character where `text` stops being JSON (text.length: it ends too early). */
export function jsonSyntaxErrorOffset(text: string): number {
  // Iterative (a stack of open containers), so deep nesting cannot overflow the call stack.
  const open: string[] = [];
  let expect: "value" | "value-or-close" | "key" | "key-or-close" | "colon" | "comma-or-close" | "end" = "value";
  let at = 0;
  for (;;) {
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    if (!match) {
      let offset = at;
      while (offset < text.length && " \t\n\r".includes(text[offset]!)) offset++;
      return expect === "end" && offset === text.length ? text.length : offset;
    }
    const start = at + match[0].length - (match[1] ?? match[2] ?? match[3]!).length;
    at += match[0].length;
    const [, string, scalar, punct] = match;
    const close = (): void => {
      open.pop();
      expect = open.length === 0 ? "end" : "comma-or-close";
    };
    if (expect === "end") return start;
    if (expect === "colon") {
      if (punct !== ":") return start;
      expect = "value";
    } else if (expect === "key" || expect === "key-or-close") {
      if (punct === "}" && expect === "key-or-close") close();
      else if (string) expect = "colon";
      else return start;
    } else if (expect === "comma-or-close") {
      if (punct === ",") expect = open.at(-1) === "{" ? "key" : "value";
      else if (punct === (open.at(-1) === "{" ? "}" : "]")) close();
      else return start;
    } else if (punct === "]" && expect === "value-or-close") {
      close();
    } else if (string || scalar) {
      expect = open.length === 0 ? "end" : "comma-or-close";
    } else if (punct === "{" || punct === "[") {
      open.push(punct);
      expect = punct === "{" ? "key-or-close" : "value-or-close";
    } else {
      return start;
    }
  }
}
