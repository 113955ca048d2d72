/**
 * The test files that write the studio's one secrets table (the Hugging Face token is a single row,
 * and tests/auth/secrets.test.ts empties the table) take turns: each holds a PostgreSQL advisory lock
 * from its first hook to its last. Other files read the table in every training run (runnerEnvironment)
 * and open it with the same key: all files use the one STUDIO_SECRET_KEY tests/setup/postgres.ts sets.
 */
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";

const SECRETS_TABLE_LOCK = 7_261_207;

/** Call at the top of a test file, before its own hooks. */
export function takeTurnsWithTheSecretsTable(): void {
  let client: pg.Client | undefined;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: inject("databaseUrl") });
    await client.connect();
    await client.query("SELECT pg_advisory_lock($1)", [SECRETS_TABLE_LOCK]);
  }, 1_800_000); // waits for the other files' turns
  afterAll(async () => {
    await client?.query("SELECT pg_advisory_unlock($1)", [SECRETS_TABLE_LOCK]).catch(() => {});
    await client?.end();
  });
}

/** The key every test process seals secrets with. */
export function sharedSecretKey(): string {
  const key = process.env.STUDIO_SECRET_KEY;
  if (!key) throw new Error("tests/setup/postgres.ts sets STUDIO_SECRET_KEY for the test processes");
  return key;
}
