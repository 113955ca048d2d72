import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ImportError } from "./errors";
import { countJsonLines, readJsonLines, readJsonLinesFile, type JsonLine } from "./jsonl";
import { errorMessageOf, makeTempDir, removeTempDirs, writeFiles } from "./test-helpers";

afterAll(removeTempDirs);

const FILE = "data/train.jsonl";

/** Feeds `chunks` (strings are UTF-8 encoded) as a stream. */
async function* chunksOf(...chunks: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

async function readAll(stream: AsyncIterable<Buffer>, opts?: { maxLineBytes?: number }): Promise<JsonLine[]> {
  const lines: JsonLine[] = [];
  for await (const line of readJsonLines(stream, FILE, opts)) lines.push(line);
  return lines;
}

describe("readJsonLines", () => {
  it("yields each line's value with its line number and bytes read so far", async () => {
    const lines = await readAll(chunksOf('{"a":1}\n{"a":2}\n'));
    expect(lines).toEqual([
      { line: 1, value: { a: 1 }, bytesRead: 8 },
      { line: 2, value: { a: 2 }, bytesRead: 16 },
    ]);
  });

  it("handles CRLF, a UTF-8 BOM, blank lines and a last line without newline", async () => {
    const lines = await readAll(chunksOf('\uFEFF{"a":1}\r\n\r\n   \n{"a":2}'));
    expect(lines.map(({ line, value }) => ({ line, value }))).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 4, value: { a: 2 } },
    ]);
  });

  it("decodes multi-byte characters split across chunk boundaries", async () => {
    const text = '{"t":"München 🦉 日本"}\n{"t":"é"}\n';
    const bytes = Buffer.from(text, "utf8");
    // one byte per chunk: every multi-byte sequence is split
    const oneByteChunks = Array.from(bytes, (byte) => Buffer.from([byte]));
    const lines = await readAll(chunksOf(...oneByteChunks));
    expect(lines.map((l) => l.value)).toEqual([{ t: "München 🦉 日本" }, { t: "é" }]);
    expect(lines[1]!.bytesRead).toBe(bytes.length);
  });

  it("reads a file from disk", async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { "train.jsonl": '{"n":1}\n{"n":2}\n{"n":3}\n' });
    const values: unknown[] = [];
    for await (const { value } of readJsonLinesFile(path.join(dir, "train.jsonl"), FILE)) values.push(value);
    expect(values).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it("reports invalid JSON with its line number", async () => {
    const message = await errorMessageOf(() => readAll(chunksOf('{"a":1}\n{"a":2}\n{"a":\n{"a":4}\n')));
    expect(message).toMatch(/^data\/train\.jsonl line 3: invalid JSON \(.+\)$/);
  });

  it("says where the JSON goes wrong without quoting the line", async () => {
    const message = await errorMessageOf(() => readAll(chunksOf('{"a":1}\n{"password": "hunter2" "x": 1}\n')));
    expect(message).toBe("data/train.jsonl line 2: invalid JSON (column 24: expected ',' or '}' after a property value)");
    const start = await errorMessageOf(() => readAll(chunksOf("root:*:19000:0:99999:7:::\n")));
    expect(start).toBe("data/train.jsonl line 1: invalid JSON (column 1: an unexpected character where a value should be)");
  });

  it("says the file looks truncated when the last line has no newline and is invalid JSON", async () => {
    const message = await errorMessageOf(() => readAll(chunksOf('{"a":1}\n{"a":2}\n{"text":"cut of')));
    expect(message).toMatch(
      /^data\/train\.jsonl line 3: invalid JSON \(.+\); this last line has no line break, so the file looks truncated \(was the export or download interrupted\?\)$/,
    );
  });

  it("rejects bytes that are not UTF-8", async () => {
    const latin1 = Buffer.concat([Buffer.from('{"a":1}\n{"t":"M'), Buffer.from([0xfc]), Buffer.from('nchen"}\n')]);
    expect(await errorMessageOf(() => readAll(chunksOf(latin1)))).toBe("data/train.jsonl line 2: the line is not valid UTF-8 text");
  });

  it("rejects an empty file and a file of blank lines", async () => {
    expect(await errorMessageOf(() => readAll(chunksOf()))).toBe("data/train.jsonl: no records (the file is empty)");
    expect(await errorMessageOf(() => readAll(chunksOf("\n\r\n  \n")))).toBe("data/train.jsonl: no records (every line is blank)");
  });

  it("rejects a line longer than the limit", async () => {
    const error = await readAll(chunksOf('{"a":1}\n', `{"a":"${"x".repeat(100)}"}\n`), { maxLineBytes: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toBe("data/train.jsonl line 2: the line is longer than 50 bytes (the limit for one record)");
    expect((error as ImportError).line).toBe(2);
  });

  it("aborts a 2 GB line early, without reading anywhere near 2 GB", async () => {
    const mebibyte = Buffer.alloc(1024 * 1024, 0x61); // "aaaa…", no newline
    let chunksPulled = 0;
    async function* twoGigabyteLine(): AsyncGenerator<Buffer> {
      yield Buffer.from('{"a":1}\n{"b":"');
      for (let i = 0; i < 2048; i++) {
        chunksPulled++;
        yield mebibyte;
      }
      yield Buffer.from('"}\n');
    }
    const started = performance.now();
    const message = await errorMessageOf(() => readAll(twoGigabyteLine()));
    const seconds = (performance.now() - started) / 1000;
    expect(message).toBe("data/train.jsonl line 2: the line is longer than 64 MiB (the limit for one record)");
    expect(chunksPulled).toBeLessThanOrEqual(65); // 64 MiB limit, 1 MiB chunks
    expect(seconds).toBeLessThan(1);
  });
});

describe("countJsonLines", () => {
  it("counts non-empty lines, with or without a final newline", async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, {
      "a.jsonl": '{"a":1}\n{"a":2}\n',
      "b.jsonl": '{"a":1}\r\n\r\n{"a":2}\r\n{"a":3}',
      "c.jsonl": "",
    });
    expect(await countJsonLines(path.join(dir, "a.jsonl"))).toBe(2);
    expect(await countJsonLines(path.join(dir, "b.jsonl"))).toBe(3);
    expect(await countJsonLines(path.join(dir, "c.jsonl"))).toBe(0);
  });
});
