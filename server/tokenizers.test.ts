import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeTempDir, removeTempDirs, writeFiles } from "./feedback/test-helpers";
import { loadTokenizer } from "./tokenizers";

const FIXTURE = path.resolve("tests/fixtures/word-tokenizer");

afterAll(removeTempDirs);

describe("loadTokenizer", () => {
  it("counts tokens with a tokenizer.json from a folder or the file, without special tokens", async () => {
    const fromFolder = await loadTokenizer(FIXTURE);
    // lowercased, split on whitespace and punctuation: the product was great , really ! ([CLS]/[SEP] left out)
    expect(fromFolder.count("The product was GREAT, really!")).toBe(7);
    expect(fromFolder.count("")).toBe(0);
    expect(fromFolder.tokenizer).toBe(FIXTURE);
    const fromFile = await loadTokenizer(path.join(FIXTURE, "tokenizer.json"));
    expect(fromFile.count("very good delivery")).toBe(3);
    expect(await loadTokenizer(FIXTURE)).toBe(fromFolder); // loaded once
  });

  it("names what is missing or broken", async () => {
    await expect(loadTokenizer("/nowhere/at-all")).rejects.toThrow("No tokenizer at /nowhere/at-all: give a folder on the server that holds tokenizer.json");
    await expect(loadTokenizer("sentence-transformers/all-MiniLM-L6-v2")).rejects.toThrow(/looks like a Hugging Face Hub id/);
    const empty = await makeTempDir("tokenizer-empty-");
    await expect(loadTokenizer(empty)).rejects.toThrow(`${empty} has no tokenizer.json`);
    const broken = await makeTempDir("tokenizer-broken-");
    await writeFiles(broken, { "tokenizer.json": '{"model": ' });
    await expect(loadTokenizer(broken)).rejects.toThrow(`${path.join(broken, "tokenizer.json")} is not valid JSON`);
    const wrong = await makeTempDir("tokenizer-wrong-");
    await writeFiles(wrong, { "tokenizer.json": JSON.stringify({ model: { type: "NoSuchModel" } }) });
    await expect(loadTokenizer(wrong)).rejects.toThrow(`${path.join(wrong, "tokenizer.json")} is not a tokenizer this studio can run`);
  });
});
