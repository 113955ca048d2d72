/** What every CLI command receives, and the database it opens. */
import type { Database } from "../server/db/client";

export interface CliContext {
  json: boolean;
  out: (line: string) => void;
}

export type Command = { usage: string; run: (args: string[], ctx: CliContext) => Promise<unknown> };

/** DATABASE_URL, else the embedded database (started for the command, or shared with a running studio). */
export async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const { openDatabase } = await import("../server/db/client");
  const db = await openDatabase();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
