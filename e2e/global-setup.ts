/**
 * The studio under test runs in a fresh STUDIO_HOME per run (see playwright.config.ts); the web
 * server starts before this runs, so here only the homes of earlier runs are removed, unless
 * their PostgreSQL is still running (another run in progress).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

function postgresRunning(home: string): boolean {
  const pidFile = path.join(home, "postgres", "postmaster.pid");
  if (!fs.existsSync(pidFile)) return false;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export default function globalSetup(): void {
  const current = process.env.STUDIO_E2E_HOME;
  for (const entry of fs.readdirSync(os.tmpdir())) {
    const home = path.join(os.tmpdir(), entry);
    if (entry.startsWith("studio-e2e-") && home !== current && !postgresRunning(home)) fs.rmSync(home, { recursive: true, force: true });
  }
}
