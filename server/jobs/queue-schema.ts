/**
 * pg-boss's own tables, in their own schema, created or upgraded at start beside the Prisma
 * migrations (server/db/migrate.ts). Kept apart from the queue and its kinds, so the database
 * layer loads no job code.
 */
import PgBoss from "pg-boss";

export const QUEUE_SCHEMA = "pgboss";

export async function migrateQueueSchema(url: string): Promise<void> {
  const boss = new PgBoss({ connectionString: url, schema: QUEUE_SCHEMA, migrate: true, supervise: false, schedule: false, max: 1 });
  boss.on("error", () => {});
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
}
