/**
 * One database handle per process: two pg pools (short queries; long holders such as imports and
 * streamed reads) and a Prisma client on the first (deleting a dataset). With DATABASE_URL unset
 * the embedded PostgreSQL is started.
 */
import os from "node:os";
import pg from "pg";
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "../env";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded";
import { applyMigrations } from "./migrate";

export interface Database {
  url: string;
  /** Short queries: pages, records, settings (and Prisma). */
  pool: pg.Pool;
  /**
   * Long holders of a connection: an import's transaction, index builds and full streamed reads
   * (prepare, diagnostics, export). Kept apart so that they never take the connections pages need.
   */
  bulk: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

// Postgres returns int8 (counts) as strings by default; our counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * Two connections per core in each pool: more would only make Postgres backends fight for the cores (at 32
 * concurrent record pages, a pool of 40 doubled p95 over a pool of 4 on 2 cores); the rest wait
 * in the pool's queue.
 */
const DEFAULT_POOL_SIZE = Math.max(4, 2 * os.availableParallelism());

export function connect(url: string): Database {
  const pool = openPool(url);
  const bulk = openPool(url);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    url,
    pool,
    bulk,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await Promise.all([pool.end(), bulk.end()]);
    },
  };
}

function openPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: DEFAULT_POOL_SIZE,
    // The studio's queries are short index walks (pages) or one streamed read: starting parallel
    // workers costs ~10 ms a query, more than the query, and at 32 concurrent pages a planner that
    // chose a parallel walk took a page from 3 ms to 13 ms. (`options` in DATABASE_URL wins.)
    options: "-c max_parallel_workers_per_gather=0",
  });
  // An idle connection that the server closes (a restart, an administrator) must not crash the
  // process; the pool replaces it on next use.
  pool.on("error", (error) => console.error(`database connection closed: ${error.message}`));
  return pool;
}

/**
 * Resolves the database to use: DATABASE_URL, or the embedded server in STUDIO_HOME (started if
 * needed), with migrations applied. Returns the embedded handle so its owner can stop it.
 */
export async function openDatabase(options: { migrate?: boolean; log?: (line: string) => void } = {}): Promise<Database & { embedded: EmbeddedDatabase | null }> {
  let embedded: EmbeddedDatabase | null = null;
  let url = env.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres(env.STUDIO_HOME, env.STUDIO_PG_PORT, options.log);
    url = embedded.url;
  }
  if (options.migrate !== false) await applyMigrations(url);
  const db = connect(url);
  return {
    ...db,
    embedded,
    close: async () => {
      await db.close();
      await embedded?.stop();
    },
  };
}

const globalForDb = globalThis as unknown as { studioDb?: Database };

/**
 * The web server's handle. scripts/start.ts has already started the database and applied the
 * migrations, and passes the URL in DATABASE_URL.
 */
export function serverDatabase(): Database {
  if (!globalForDb.studioDb) {
    const url = env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start the studio with `npm start`, which starts the database first.");
    globalForDb.studioDb = connect(url);
  }
  return globalForDb.studioDb;
}
