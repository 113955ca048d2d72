/** Applies the Prisma migrations (prisma migrate deploy on the WASM engine, see prisma.config.ts). */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function applyMigrations(databaseUrl: string, cwd = process.cwd()): Promise<void> {
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
