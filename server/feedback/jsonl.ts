/**
 * Streaming JSON Lines reader for export data files. Works on raw bytes: lines are split on
 * byte 0x0A (which never occurs inside a multi-byte UTF-8 sequence) and each line is decoded on
 * its own, so characters split across chunk boundaries decode correctly and at most one line is
 * held in memory at a time.
 */
import { createReadStream } from "node:fs";
import { ImportError, formatBytes, locateJsonError } from "./errors";

export interface JsonLine {
  /** 1-based line number in the file (blank lines count). */
  line: number;
  value: unknown;
  /** Bytes consumed up to and including this line's line break, for progress. */
  bytesRead: number;
}

export interface ReadJsonLinesOptions {
  /** A line longer than this is rejected as soon as the limit is crossed. Default 64 MiB. */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

type ByteChunk = Buffer | Uint8Array | string;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Reads `stream` line by line, yielding each non-blank line's parsed JSON. `file` names it in errors. */
export async function* readJsonLines(
  stream: NodeJS.ReadableStream | AsyncIterable<ByteChunk>,
  file: string,
  opts: ReadJsonLinesOptions = {},
): AsyncGenerator<JsonLine> {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let lineNumber = 0;
  let bytesRead = 0;
  let records = 0;
  // Pieces of the current, unfinished line (it started in an earlier chunk).
  let pending: Buffer[] = [];
  let pendingBytes = 0;

  const tooLong = (): ImportError =>
    new ImportError({ file, line: lineNumber + 1, problem: `the line is longer than ${formatBytes(maxLineBytes)} (the limit for one record)` });

  const parseLine = (bytes: Buffer, isLastWithoutNewline: boolean): JsonLine | undefined => {
    lineNumber++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CARRIAGE_RETURN) end--; // CRLF
    let text: string;
    try {
      // The decoder drops a leading UTF-8 byte order mark (ignoreBOM: false).
      text = decoder.decode(bytes.subarray(0, end));
    } catch {
      throw new ImportError({ file, line: lineNumber, problem: "the line is not valid UTF-8 text" });
    }
    if (isBlank(text)) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // JSON.parse's message quotes the line; say where it goes wrong instead.
      const { column, reason: problem } = locateJsonError(text);
      const reason = `column ${column}: ${problem}`;
      throw new ImportError({
        file,
        line: lineNumber,
        problem: isLastWithoutNewline
          ? `invalid JSON (${reason}); this last line has no line break, so the file looks truncated (was the export or download interrupted?)`
          : `invalid JSON (${reason})`,
      });
    }
    records++;
    return { line: lineNumber, value, bytesRead };
  };

  for await (const rawChunk of stream as AsyncIterable<ByteChunk>) {
    const chunk = toBuffer(rawChunk);
    let position = 0;
    while (position < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, position);
      if (newline === -1) {
        const restBytes = chunk.length - position;
        if (pendingBytes + restBytes > maxLineBytes) throw tooLong();
        pending.push(chunk.subarray(position));
        pendingBytes += restBytes;
        bytesRead += restBytes;
        break;
      }
      const segmentBytes = newline - position;
      if (pendingBytes + segmentBytes > maxLineBytes) throw tooLong();
      bytesRead += segmentBytes + 1;
      let lineBytes = chunk.subarray(position, newline);
      if (pending.length > 0) {
        pending.push(lineBytes);
        lineBytes = Buffer.concat(pending, pendingBytes + segmentBytes);
        pending = [];
        pendingBytes = 0;
      }
      position = newline + 1;
      const parsed = parseLine(lineBytes, false);
      if (parsed) yield parsed;
    }
  }

  if (pending.length > 0) {
    const parsed = parseLine(Buffer.concat(pending, pendingBytes), true);
    if (parsed) yield parsed;
  }
  if (records === 0) {
    throw new ImportError({ file, problem: lineNumber === 0 ? "no records (the file is empty)" : "no records (every line is blank)" });
  }
}

/** Convenience: read a JSONL file from disk. */
export function readJsonLinesFile(filePath: string, file: string, opts?: ReadJsonLinesOptions): AsyncGenerator<JsonLine> {
  return readJsonLines(createReadStream(filePath, { highWaterMark: 1024 * 1024 }), file, opts);
}

/**
 * Counts the non-empty lines of a JSONL file without parsing it (a fast byte scan), for
 * progress totals. Whitespace-only lines other than bare CR are counted too, so it is an
 * upper bound in odd files and exact in exports.
 */
export async function countJsonLines(filePath: string): Promise<number> {
  let count = 0;
  let lineHasContent = false;
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    let position = 0;
    while (position < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, position);
      const end = newline === -1 ? chunk.length : newline;
      if (end - position > 1 || (end - position === 1 && chunk[position] !== CARRIAGE_RETURN)) lineHasContent = true;
      if (newline === -1) break;
      if (lineHasContent) count++;
      lineHasContent = false;
      position = newline + 1;
    }
  }
  return lineHasContent ? count + 1 : count;
}

function toBuffer(chunk: ByteChunk): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function isBlank(text: string): boolean {
  // Fast path: a JSON record starts with "{" (or "["), never with whitespace.
  if (text.length === 0) return true;
  const first = text.charCodeAt(0);
  return first <= 0x20 && text.trim().length === 0;
}
