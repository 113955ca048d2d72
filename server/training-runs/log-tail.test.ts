import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOG_TAIL_BYTES, readLogTail } from "./log-tail";

const home = fs.mkdtempSync(path.join(os.tmpdir(), "log-tail-"));
const jobDir = path.join(home, "jobs", "a");
fs.mkdirSync(jobDir, { recursive: true });
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe("readLogTail", () => {
  it("is empty before the log exists", async () => {
    expect(await readLogTail(path.join(home, "none"), 10, { home })).toEqual({ lines: [], truncated: false, size: 0 });
  });

  it("gives the last lines, the job folder and home hidden", async () => {
    fs.writeFileSync(path.join(jobDir, "log.txt"), `one\ntwo\nsaved ${jobDir}/output/model\nvenv ${home}/python/venv/lib\n`);
    expect(await readLogTail(jobDir, 2, { home })).toMatchObject({ lines: ["saved ./output/model", "venv $STUDIO_HOME/python/venv/lib"], truncated: true });
    expect((await readLogTail(jobDir, 10, { home })).truncated).toBe(false);
  });

  it("shows a line rewritten by a progress bar as its last rewrite", async () => {
    fs.writeFileSync(path.join(jobDir, "log.txt"), "start\n  0%| 0/12\r  8%| 1/12\r 17%| 2/12\r\nend\n");
    expect((await readLogTail(jobDir, 10, { home })).lines).toEqual(["start", " 17%| 2/12", "end"]);
  });

  it("reads only the file's end, dropping the partial first line", async () => {
    const line = "x".repeat(99);
    fs.writeFileSync(path.join(jobDir, "log.txt"), `${line}\n`.repeat(2000) + "last\n");
    const tail = await readLogTail(jobDir, 10_000, { home });
    expect(tail.truncated).toBe(true);
    expect(tail.lines.at(-1)).toBe("last");
    expect(tail.lines.slice(0, -1).every((l) => l === line)).toBe(true);
    // Whole 100-byte lines that fit in the bytes before "last\n", and "last".
    expect(tail.lines.length).toBe(Math.floor((LOG_TAIL_BYTES - 5) / 100) + 1);
  });
});
