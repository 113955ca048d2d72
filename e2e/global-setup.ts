/**
 * The studio under test runs in a fresh STUDIO_HOME per run (see playwright.config.ts); the web
 * server starts before this runs, so here the homes of earlier runs are removed, unless their
 * PostgreSQL is still running (another run in progress), and the admin signs in once: every
 * test's browser starts with that session (storage state).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { request, type FullConfig } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, adminStorageState } from "./helpers/admin";

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

export default async function globalSetup(config: FullConfig): Promise<void> {
  const current = process.env.STUDIO_E2E_HOME;
  for (const entry of fs.readdirSync(os.tmpdir())) {
    const home = path.join(os.tmpdir(), entry);
    // A run's saved session (<home>-admin.json) lives and goes with its home.
    const owner = home.replace(/-admin\.json$/, "");
    if (entry.startsWith("studio-e2e-") && owner !== current && !postgresRunning(owner)) fs.rmSync(home, { recursive: true, force: true });
  }
  const api = await request.newContext({ baseURL: config.projects[0]!.use.baseURL });
  const response = await api.post("/api/auth/sign-in/email", { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  if (!response.ok()) throw new Error(`The admin could not sign in: ${response.status()} ${await response.text()}`);
  await api.storageState({ path: adminStorageState() });
  await api.dispose();
}
