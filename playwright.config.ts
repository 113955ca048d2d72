/**
 * Browser tests: Debian's Chromium against the real studio (`npm start`: production build,
 * embedded PostgreSQL in a fresh STUDIO_HOME). Run with `npx playwright test`.
 */
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { ADMIN_PASSWORD, adminStorageState } from "./e2e/helpers/admin";

// Pushes go to the Hub stand-in that e2e/hub-push.spec.ts starts on this port (through LFS: it has no
// Xet). Set here, before the studio under test and the test workers read the environment.
process.env.HF_ENDPOINT ??= "http://127.0.0.1:39571";
process.env.HF_HUB_DISABLE_XET ??= "1";

// E2E_PORT: lets two runs (two people in one checkout) use different ports.
const PORT = Number(process.env.E2E_PORT ?? 3100);
// Computed once in the runner and inherited by workers (they load this file again).
process.env.STUDIO_E2E_HOME ??= path.join(os.tmpdir(), `studio-e2e-${Date.now()}`);
const studioHome = process.env.STUDIO_E2E_HOME;
/** Point the tests at a studio you already run (e.g. `npm run dev`) instead of starting one. */
const externalBaseUrl = process.env.E2E_BASE_URL;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: "list",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: externalBaseUrl ?? `http://localhost:${PORT}`,
    // Signed in as the admin (e2e/global-setup.ts); a test that needs someone else makes its own context.
    storageState: adminStorageState(),
    browserName: "chromium",
    viewport: { width: 1400, height: 900 },
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    },
  },
  webServer: externalBaseUrl
    ? undefined
    : {
        command: "npx tsx scripts/start.ts",
        url: `http://localhost:${PORT}`,
        // The first start runs `next build`.
        timeout: 300_000,
        reuseExistingServer: false,
        stdout: "pipe",
        stderr: "pipe",
        // start.ts stops Next and the embedded PostgreSQL on SIGTERM.
        gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
        env: {
          ...(process.env as Record<string, string>),
          STUDIO_HOME: studioHome,
          PORT: String(PORT),
          NEXT_TELEMETRY_DISABLED: "1",
          // The run's studio home (database, uploads) is deleted when the studio stops.
          STUDIO_EPHEMERAL_HOME: "1",
          // The admin the first start creates, whom e2e/global-setup.ts signs in as.
          STUDIO_ADMIN_PASSWORD: ADMIN_PASSWORD,
          // What a request may name: the defaults (the home, the samples) and the tests' tokenizer fixture.
          STUDIO_IMPORT_ROOTS: [studioHome, path.resolve(__dirname, "samples"), path.resolve(__dirname, "tests", "fixtures")].join(","),
          // DATABASE_URL is passed through only when the environment (a CI) sets it; unset,
          // the studio starts its own embedded PostgreSQL in STUDIO_HOME.
        },
      },
});
