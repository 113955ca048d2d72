import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { makeTempDir, removeTempDirs, writeFiles } from "../feedback/test-helpers";
import { describeJsonErrorAt, jsonSyntaxErrorOffset, loadTokenizer } from "./tokenizers";

const FIXTURE = path.resolve("tests/fixtures/word-tokenizer");
const FIXTURE_JSON = fs.readFileSync(path.join(FIXTURE, "tokenizer.json"), "utf8");

// The roots a request may name: a fresh folder (and the fixture, for the loading cases).
let root: string;
beforeAll(async () => {
  root = await fs.promises.realpath(await makeTempDir("tokenizer-root-"));
});
afterEach(() => vi.unstubAllEnvs());
afterAll(removeTempDirs);

const allowOnly = (...roots: string[]) => vi.stubEnv("STUDIO_IMPORT_ROOTS", roots.join(","));

describe("loadTokenizer", () => {
  it("counts tokens with a tokenizer.json from a folder or the file, without special tokens", async () => {
    allowOnly(FIXTURE);
    const fromFolder = await loadTokenizer(FIXTURE);
    // lowercased, split on whitespace and punctuation: the product was great , really ! ([CLS]/[SEP] left out)
    expect(fromFolder.count("The product was GREAT, really!")).toBe(7);
    expect(fromFolder.count("")).toBe(0);
    expect(fromFolder.tokenizer).toBe(FIXTURE);
    const fromFile = await loadTokenizer(path.join(FIXTURE, "tokenizer.json"));
    expect(fromFile.count("very good delivery")).toBe(3);
    expect(await loadTokenizer(FIXTURE)).toBe(fromFolder); // loaded once
  });

  it("names what is missing or broken, inside the allowed roots", async () => {
    allowOnly(root);
    await expect(loadTokenizer(path.join(root, "nowhere"))).rejects.toThrow(`No tokenizer at ${path.join(root, "nowhere")}: give a folder under the folders the studio may read`);
    await expect(loadTokenizer("sentence-transformers/all-MiniLM-L6-v2")).rejects.toThrow(/looks like a Hugging Face Hub id/);
    const empty = path.join(root, "empty");
    fs.mkdirSync(empty);
    await expect(loadTokenizer(empty)).rejects.toThrow(`"${empty}" has no tokenizer.json inside the folders the studio may read`);
    const broken = path.join(root, "broken");
    await writeFiles(broken, { "tokenizer.json": '{"model": ' });
    await expect(loadTokenizer(broken)).rejects.toThrow(`"${broken}/tokenizer.json" is not valid JSON (it ends too early)`);
    const wrong = path.join(root, "wrong");
    await writeFiles(wrong, { "tokenizer.json": JSON.stringify({ model: { type: "NoSuchModel" } }) });
    await expect(loadTokenizer(wrong)).rejects.toThrow(`"${wrong}/tokenizer.json" is not a tokenizer this studio can run`);
  });

  it("refuses /etc/passwd and /etc/shadow with the same answer as a missing path, quoting nothing of them", async () => {
    allowOnly(root);
    for (const file of ["/etc/passwd", "/etc/shadow", "/etc", "/no/such/tokenizer"]) {
      const error = await loadTokenizer(file).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(
        `No tokenizer at ${file}: give a folder under the folders the studio may read: the studio home and the shipped samples, or those STUDIO_IMPORT_ROOTS lists that holds tokenizer.json, or the file itself.`,
      );
      expect((error as Error).message).not.toMatch(/root:|not valid JSON/);
    }
  });

  it("refuses a relative path that climbs out of the roots without revealing the working directory", async () => {
    allowOnly(root);
    const relative = "../../../../../../../../etc/passwd";
    const message = await loadTokenizer(relative).catch((e: Error) => e.message);
    expect(message).toMatch(/^No tokenizer at \.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd: give a folder under/);
    expect(message).not.toContain(process.cwd());
    expect(message).not.toContain("root:");
  });

  it("a file inside the roots that is not JSON: the error says where it breaks and quotes none of it", async () => {
    allowOnly(root);
    await writeFiles(root, { "notjson/tokenizer.json": "root:*:20200:0:99999:7:::\nsecret-line-two\n" });
    const message = await loadTokenizer(path.join(root, "notjson")).catch((e: Error) => e.message);
    expect(message).toBe(`"${path.join(root, "notjson")}/tokenizer.json" is not valid JSON (line 1, column 1)`);
    await writeFiles(root, { "late/tokenizer.json": '{\n  "model": {"type": "WordPiece"},\n  "vocab": secret }' });
    expect(await loadTokenizer(path.join(root, "late")).catch((e: Error) => e.message)).toBe(`"${path.join(root, "late")}/tokenizer.json" is not valid JSON (line 3, column 12)`);
  });

  it("refuses a tokenizer.json or tokenizer_config.json inside the roots that links outside them", async () => {
    allowOnly(root);
    const linked = path.join(root, "linked");
    fs.mkdirSync(linked);
    fs.symlinkSync("/etc/passwd", path.join(linked, "tokenizer.json"));
    const message = await loadTokenizer(linked).catch((e: Error) => e.message);
    expect(message).toBe(`"${linked}" has no tokenizer.json inside the folders the studio may read`);
    fs.symlinkSync("/etc/passwd", path.join(root, "passwd-link"));
    expect(await loadTokenizer(path.join(root, "passwd-link")).catch((e: Error) => e.message)).toMatch(/^No tokenizer at .*passwd-link: give a folder under/);

    const config = path.join(root, "config-link");
    await writeFiles(config, { "tokenizer.json": FIXTURE_JSON });
    fs.symlinkSync("/etc/passwd", path.join(config, "tokenizer_config.json"));
    const configMessage = await loadTokenizer(config).catch((e: Error) => e.message);
    expect(configMessage).toMatch(/^tokenizer_config\.json beside tokenizer\.json cannot be read/);
    expect(configMessage).not.toContain("root:");
  });

  it("follows links that stay inside the roots (a Hub cache snapshot links each file to a blob)", async () => {
    allowOnly(root);
    await writeFiles(root, { "hub/blobs/1a2b": FIXTURE_JSON });
    fs.mkdirSync(path.join(root, "hub/snapshots/main"), { recursive: true });
    fs.symlinkSync("../../blobs/1a2b", path.join(root, "hub/snapshots/main/tokenizer.json"));
    const counter = await loadTokenizer(path.join(root, "hub/snapshots/main"));
    expect(counter.count("very good delivery")).toBe(3);
  });

  it("with anyPath (the CLI) reads a folder outside the roots", async () => {
    allowOnly(root);
    await expect(loadTokenizer(FIXTURE)).rejects.toThrow(/^No tokenizer at/);
    const counter = await loadTokenizer(FIXTURE, { anyPath: true });
    expect(counter.count("very good delivery")).toBe(3);
    await expect(loadTokenizer("/nowhere/at-all", { anyPath: true })).rejects.toThrow("No tokenizer at /nowhere/at-all: give a folder on the server that holds tokenizer.json");
  });
});

describe("JSON error locations", () => {
  it("points at the first character that breaks, for every kind of JSON error", () => {
    const cases: [string, number][] = [
      ["root:*:202", 0],
      ['{"a": 1,}', 8],
      ['[1, 2] x', 7],
      ['{"a" 1}', 5],
      ["12ab", 2],
      ['{\n "a": tru }', 8],
      ['{"a": [1, 2}', 11],
      ['"abc', 0],
    ];
    for (const [text, offset] of cases) {
      expect(() => JSON.parse(text)).toThrow();
      expect(jsonSyntaxErrorOffset(text), text).toBe(offset);
    }
    // Valid JSON has no error offset: it ends where the text does.
    expect(jsonSyntaxErrorOffset('[1, [2, {"x": null}], true, -0.5e3]')).toBe(35);
    expect(describeJsonErrorAt('{"model": ')).toBe("it ends too early");
    expect(describeJsonErrorAt('{\n\n  "x": ?')).toBe("line 3, column 8");
  });
});
