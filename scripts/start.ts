/**
 * `npm start`: the studio on http://localhost:3000. Starts the embedded PostgreSQL unless
 * DATABASE_URL is set, applies migrations, imports the shipped samples into an empty database,
 * builds the web app when its sources changed, and serves it on HOST (loopback unless a person
 * opens it), beside one job worker (`studio worker`) in its own process, restarted if it crashes.
 * Ctrl-C stops everything cleanly. `--dev` serves with hot reload instead.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensurePrismaClient } from "../server/db/prisma-client";
import { env } from "../server/env";
import { WEB_SERVER_NODE_OPTIONS } from "./web-server-options";

const root = path.resolve(__dirname, "..");
const dev = process.argv.includes("--dev");

function newestSourceTime(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  dirs.forEach((d) => walk(path.join(root, d)));
  for (const f of ["next.config.js", "package-lock.json", "postcss.config.mjs", "proxy.ts", "instrumentation.ts"]) {
    if (fs.existsSync(path.join(root, f))) newest = Math.max(newest, fs.statSync(path.join(root, f)).mtimeMs);
  }
  return newest;
}

function buildIfStale(): void {
  const buildId = path.join(root, env.STUDIO_NEXT_DIST, "BUILD_ID");
  if (fs.existsSync(buildId) && fs.statSync(buildId).mtimeMs > newestSourceTime(["app", "components", "server"])) return;
  console.log("Building the web app (first start or sources changed)…");
  const result = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

async function main() {
  ensurePrismaClient(root);
  // Imported after generation: the Prisma client must exist first.
  const { openDatabase } = await import("../server/db/client");
  const { importSamplesIfEmpty } = await import("../server/services/samples");
  console.log(env.DATABASE_URL ? "Using the PostgreSQL at DATABASE_URL" : "Starting the embedded PostgreSQL…");
  const db = await openDatabase();
  await importSamplesIfEmpty(db, (line) => console.log(line));
  const { authFor } = await import("../server/auth/auth");
  const { createFirstAdmin } = await import("../server/auth/first-admin");
  const firstAdmin = await createFirstAdmin(authFor(db), db.pool, { email: env.STUDIO_ADMIN_EMAIL, password: env.STUDIO_ADMIN_PASSWORD });
  if (!dev) buildIfStale();
  // Index builds and digests that datasets lack are queued by the worker when it starts.
  const worker = superviseWorker(db.url);

  const port = String(env.PORT);
  const next = spawn(process.execPath, [...WEB_SERVER_NODE_OPTIONS, path.join(root, "node_modules", "next", "dist", "bin", "next"), dev ? "dev" : "start", "-H", env.HOST, "-p", port], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: db.url, NEXT_TELEMETRY_DISABLED: "1" },
  });
  const loopback = ["127.0.0.1", "localhost", "::1"].includes(env.HOST);
  console.log(`Feedback Studio: http://localhost:${port}${loopback ? "" : ` (listening on ${env.HOST}; other host names need STUDIO_ALLOWED_HOSTS)`}`);
  if (firstAdmin) {
    const password = firstAdmin.generatedPassword ? `password ${firstAdmin.generatedPassword} (shown this once: note it now)` : "the password in STUDIO_ADMIN_PASSWORD";
    console.log(`Created the admin: sign in as ${firstAdmin.email} with ${password}`);
  }

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    next.kill("SIGTERM");
    await worker.stop();
    await db.close();
    if (env.STUDIO_EPHEMERAL_HOME) fs.rmSync(env.STUDIO_HOME, { recursive: true, force: true });
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  next.on("exit", (code) => void stop(code ?? 0));
}

/**
 * The job worker as a child process: a crash is logged and the worker started again after a
 * pause that doubles while it keeps crashing (1 s to 30 s). Its running jobs are noticed by the
 * next worker's reaper. stop(): SIGTERM (running jobs are queued again), SIGKILL after 15 s.
 */
function superviseWorker(databaseUrl: string): { stop(): Promise<void> } {
  let child: ChildProcess | null = null;
  let stopping = false;
  let pauseMs = 1000;
  const start = () => {
    const startedAt = Date.now();
    // `--import tsx` runs the CLI in this one child, so signals reach the worker itself.
    child = spawn(process.execPath, ["--import", "tsx", path.join(root, "cli", "main.ts"), "worker"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    child.on("exit", (code, signal) => {
      child = null;
      if (stopping) return;
      if (Date.now() - startedAt > 60_000) pauseMs = 1000;
      console.error(`The job worker stopped (${signal ?? `exit code ${code}`}); starting it again in ${pauseMs / 1000} s`);
      setTimeout(start, pauseMs);
      pauseMs = Math.min(pauseMs * 2, 30_000);
    });
  };
  start();
  return {
    stop: async () => {
      stopping = true;
      const running = child;
      if (!running) return;
      const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
      running.kill("SIGTERM");
      const timer = setTimeout(() => running.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
