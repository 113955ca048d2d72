/**
 * `npm test`: the whole suite. Unit and integration tests (vitest, against a real embedded
 * PostgreSQL), then the browser tests (Playwright in Debian's Chromium against the real studio).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ensurePrismaClient } from "./prisma-client";

const root = path.resolve(__dirname, "..");
ensurePrismaClient(root);

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
