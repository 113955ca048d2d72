/**
 * Tokenizers for token-length diagnostics: a Hugging Face `tokenizer.json` (with its
 * `tokenizer_config.json` when present) from a folder or file on the server, run by
 * tokenizers.js (pure JS, the same tokenizer implementations as Transformers.js).
 */
import fs from "node:fs";
import path from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import type { TokenCounter } from "./training";

export class TokenizerLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenizerLoadError";
  }
}

const MAX_CACHED = 4;
const cache = new Map<string, TokenCounter>();

/** A folder holding tokenizer.json, or the tokenizer.json file itself. Remembered until the file changes. */
export async function loadTokenizer(source: string): Promise<TokenCounter> {
  const given = source.trim();
  const resolved = path.resolve(/*turbopackIgnore: true*/ given);
  let file = resolved;
  const stat = await fs.promises.stat(resolved).catch(() => null);
  if (!stat) {
    const hubId = /^[\w.-]+\/[\w.-]+$/.test(given) ? ` It looks like a Hugging Face Hub id: download its tokenizer.json into a folder on the server and give that folder.` : "";
    throw new TokenizerLoadError(`No tokenizer at ${resolved}: give a folder on the server that holds tokenizer.json, or the file itself.${hubId}`);
  }
  if (stat.isDirectory()) file = path.join(/*turbopackIgnore: true*/ resolved, "tokenizer.json");
  const fileStat = await fs.promises.stat(file).catch(() => null);
  if (!fileStat?.isFile()) throw new TokenizerLoadError(`${resolved} has no tokenizer.json`);
  const key = `${file}\u0000${fileStat.mtimeMs}`;
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key); // most recently used last
    cache.set(key, cached);
    return cached;
  }
  const tokenizerJson = await readJson(file);
  const configFile = path.join(/*turbopackIgnore: true*/ path.dirname(file), "tokenizer_config.json");
  const config = fs.existsSync(configFile) ? await readJson(configFile) : {};
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, config);
  } catch (error) {
    throw new TokenizerLoadError(`${file} is not a tokenizer this studio can run: ${(error as Error).message}`);
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

async function readJson(file: string): Promise<object> {
  const text = await fs.promises.readFile(file, "utf8");
  try {
    return JSON.parse(text) as object;
  } catch (error) {
    throw new TokenizerLoadError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}
