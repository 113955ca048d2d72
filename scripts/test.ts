/**
 * `npm test`: the whole suite. Unit and integration tests (vitest, against a real embedded
 * PostgreSQL), then the browser tests (Playwright in Debian's Chromium against the real studio).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensurePrismaClient } from "../server/db/prisma-client";

const root = path.resolve(__dirname, "..");
ensurePrismaClient(root);
ensureChromium();

/** The browser tests drive Debian's Chromium (never a downloaded browser). Installed when missing and we can. */
function ensureChromium(): void {
  if (fs.existsSync("/usr/bin/chromium")) return;
  const asRoot = process.getuid?.() === 0;
  console.log("Installing Debian's chromium for the browser tests…");
  const apt = (args: string[]) => spawnSync(asRoot ? "apt-get" : "sudo", asRoot ? args : ["apt-get", ...args], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (apt(["update", "-qq"]).status !== 0 || apt(["install", "-y", "-qq", "chromium"]).status !== 0) {
    console.error("Could not install chromium: run `apt-get install chromium`, then `npm test` again.");
    process.exit(1);
  }
}

function run(label: string, bin: string, args: string[]): number {
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(process.execPath, [path.join(root, "node_modules", bin), ...args], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  return result.status ?? 1;
}

const unit = run("unit and integration tests (vitest)", "vitest/vitest.mjs", ["run"]);
const e2e = run("browser tests (Playwright, Chromium)", "@playwright/test/cli.js", ["test"]);
if (unit !== 0 || e2e !== 0) {
  console.error(`\nFailed: ${[unit !== 0 && "vitest", e2e !== 0 && "playwright"].filter(Boolean).join(", ")}`);
  process.exit(1);
}
