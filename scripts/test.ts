/**
 * `npm test`: the whole suite. Unit and integration tests (vitest, against a real embedded
 * PostgreSQL), the browser tests (Playwright in Debian's Chromium against the real studio), then the
 * training worker's pytest suite in the environment the studio builds for it.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { environmentProgressBar } from "../cli/training-env";
import { ensurePrismaClient } from "../server/db/prisma-client";
import { ensureTrainingEnvironment, type TrainingEnvironment } from "../server/training-env";

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

function run(label: string, bin: string, args: string[], extraEnv: Record<string, string> = {}): number {
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(process.execPath, [path.join(root, "node_modules", bin), ...args], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...extraEnv } });
  return result.status ?? 1;
}

/**
 * The training environment every stage trains in, built the studio's way in .studio-test/python
 * (the first run: ~2 min and 2 GB; later runs reuse it; STUDIO_PYTHON names one instead). Built
 * once, before the first stage that trains, so that no stage pays for it inside a test's timeout.
 */
let testEnvironment: Promise<TrainingEnvironment | null> | undefined;
function trainingEnvironment(): Promise<TrainingEnvironment | null> {
  testEnvironment ??= (async () => {
    console.log("\n=== the training environment (.studio-test/python) ===");
    const bar = environmentProgressBar();
    try {
      return await ensureTrainingEnvironment({ home: path.join(root, ".studio-test"), onProgress: (p) => bar.update(p) });
    } catch (error) {
      console.error(`Could not prepare the training environment: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    } finally {
      bar.done();
    }
  })();
  return testEnvironment;
}

/** trainer/'s pytest suite, in the training environment. */
async function trainerTests(args: string[]): Promise<number> {
  const environment = await trainingEnvironment();
  if (!environment) return 1;
  console.log("\n=== training worker tests (pytest) ===");
  console.log(`${environment.python} -m pytest (in trainer/, STUDIO_PPO_OVERLAY=${environment.ppoOverlay})`);
  const result = spawnSync(environment.python, ["-m", "pytest", ...args], {
    cwd: path.join(root, "trainer"),
    stdio: "inherit",
    env: { ...process.env, STUDIO_PPO_OVERLAY: environment.ppoOverlay },
  });
  // Every status but 0 fails the stage: 5 (no tests collected) too.
  return result.status ?? 1;
}

/** The browser tests: the studio they start trains in the test environment instead of building its own. */
async function browserTests(args: string[]): Promise<number> {
  const environment = await trainingEnvironment();
  if (!environment) return 1;
  return run("browser tests (Playwright, Chromium)", "@playwright/test/cli.js", ["test", ...args], { STUDIO_PYTHON: process.env.STUDIO_PYTHON ?? environment.python });
}

/** `npm test` runs every stage; `npm test -- STAGE [ARGS…]` one, with its own arguments (test files, say). */
async function main(): Promise<void> {
  const stages: Record<string, (args: string[]) => number | Promise<number>> = {
    vitest: async (args) => ((await trainingEnvironment()) ? run("unit and integration tests (vitest)", "vitest/vitest.mjs", ["run", ...args]) : 1),
    playwright: browserTests,
    pytest: trainerTests,
  };
  const [only, ...args] = process.argv.slice(2);
  if (only !== undefined && !(only in stages)) {
    console.error(`usage: npm test [-- ${Object.keys(stages).join("|")} [ARGS…]]`);
    process.exit(2);
  }
  const failed: string[] = [];
  for (const [name, stage] of Object.entries(stages)) {
    if (only !== undefined && name !== only) continue;
    if ((await stage(only ? args : [])) !== 0) failed.push(name);
  }
  if (failed.length > 0) {
    console.error(`\nFailed: ${failed.join(", ")}`);
    process.exit(1);
  }
}

void main();
