/**
 * The admin the browser tests sign in as: the studio under test creates it on its first start
 * from STUDIO_ADMIN_PASSWORD (playwright.config.ts), and global-setup.ts signs in once and saves
 * the session cookie as Playwright storage state, which every test's browser starts with.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const ADMIN_EMAIL = process.env.STUDIO_ADMIN_EMAIL || "admin@studio.local";
export const ADMIN_PASSWORD = process.env.STUDIO_ADMIN_PASSWORD || "e2e-admin-password";

/** Beside the run's studio home, in the system temp folder (test-results/ is emptied at start). */
export function adminStorageState(): string {
  return path.join(os.tmpdir(), `${path.basename(process.env.STUDIO_E2E_HOME ?? "studio-e2e")}-admin.json`);
}

/** The saved session as a Cookie header, for requests made outside the browser. */
export function adminCookieHeader(): string {
  const state = JSON.parse(fs.readFileSync(adminStorageState(), "utf8")) as { cookies: { name: string; value: string }[] };
  return state.cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
}
