/**
 * The end of a training job's log (log.txt: the worker's stderr), for the job page: at most the
 * last `maxLines` lines of the last 64 KiB, read without loading the whole file (a day-long run's
 * log can hold hundreds of MB). A line that progress bars rewrote with carriage returns shows as a
 * terminal shows it, its last rewrite (with any text that came after the bar). The job's own folder and the studio's home show as `.` and
 * `$STUDIO_HOME`: a page shows no server paths it can avoid.
 */
import fs from "node:fs";
import path from "node:path";

export const LOG_TAIL_BYTES = 64 * 1024;

export interface LogTail {
  lines: string[];
  /** Whether earlier lines exist than those returned. */
  truncated: boolean;
  /** The file's size in bytes (0 when there is no log yet). */
  size: number;
}

export async function readLogTail(jobDir: string, maxLines: number, hide: { home: string }): Promise<LogTail> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path.join(jobDir, "log.txt"), "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { lines: [], truncated: false, size: 0 };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - LOG_TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    let lines = buffer.toString("utf8").split(/\r?\n/).map(lastRewrite);
    if (lines.at(-1) === "") lines.pop();
    // A read that starts mid-file starts mid-line (maybe mid-character): that first piece goes.
    if (start > 0) lines.shift();
    const truncated = start > 0 || lines.length > maxLines;
    lines = lines.slice(-maxLines).map((line) => scrub(line, jobDir, hide.home));
    return { lines, truncated, size };
  } finally {
    await handle.close();
  }
}

function lastRewrite(line: string): string {
  const pieces = line.split("\r").filter((piece) => piece.trim() !== "");
  return pieces.at(-1) ?? "";
}

function scrub(line: string, jobDir: string, home: string): string {
  return line.split(jobDir).join(".").split(home).join("$STUDIO_HOME");
}
