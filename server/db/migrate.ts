/**
 * Applies the Prisma migrations (prisma migrate deploy on the WASM engine, see prisma.config.ts),
 * then the job queue's schema (pg-boss's own, `pgboss`).
 * The Prisma CLI takes ~10 s to start on these machines, so it is only run when a migration folder
 * is missing from `_prisma_migrations`.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { migrateQueueSchema } from "../jobs/queue-schema";

const run = promisify(execFile);

async function pendingMigrations(databaseUrl: string, cwd: string): Promise<string[]> {
  const folder = path.join(cwd, "prisma", "migrations");
  const wanted = fs.readdirSync(folder, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const exists = await client.query("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present");
    if (!exists.rows[0].present) return wanted;
    const { rows } = await client.query<{ migration_name: string }>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    return wanted.filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}

export async function applyMigrations(databaseUrl: string, cwd = process.cwd()): Promise<void> {
  await applyPrismaMigrations(databaseUrl, cwd);
  // The queue's tables are pg-boss's own, in their own schema, kept at its version by pg-boss.
  await migrateQueueSchema(databaseUrl);
}

async function applyPrismaMigrations(databaseUrl: string, cwd: string): Promise<void> {
  if ((await pendingMigrations(databaseUrl, cwd)).length === 0) return;
  const cli = path.join(cwd, "node_modules", "prisma", "build", "index.js");
  try {
    await run(process.execPath, [cli, "migrate", "deploy"], {
      cwd,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`Applying migrations failed: ${e.stderr || e.stdout || e.message}`);
  }
}
