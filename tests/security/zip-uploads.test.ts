/**
 * Zip bombs, upload sizes and left-over files (issue 12, item 5): a .zip is extracted into the
 * studio home under STUDIO_ZIP_MAX_MB / _ENTRIES / _RATIO, links refused, nothing left behind;
 * an upload over STUDIO_MAX_UPLOAD_MB is answered 413 and its partial file deleted; abandoned
 * uploads and extraction folders are deleted at start and after STUDIO_UPLOAD_TTL_HOURS.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { connect, type Database } from "../../server/db/client";
import { findDataset } from "../../server/db/datasets";
import { createCaller } from "../../server/api/root";
import { IN_PROCESS_ADMIN } from "../../server/auth/roles";
import { createPerson, type TestPerson } from "../auth/sessions";
import { startTestWorker } from "../jobs/test-worker";
import { importFromPath } from "../../server/services/imports";
import { extractRoot, removeAbandoned, uploadsRoot } from "../../server/services/uploads";
import { buildZip, makeTempDir, removeTempDirs, settingsYaml, type ZipEntry } from "../../server/feedback/test-helpers";
import { PUT } from "../../app/api/uploads/[uploadId]/[...path]/route";
import { register } from "../../instrumentation";

const MiB = 1024 * 1024;
const YAML = settingsYaml({
  fields: [{ name: "text", title: "Text", required: true, type: "text", use_markdown: false }],
  questions: [{ name: "label", title: "Label", type: "label_selection", labels: ["a", "b"], required: true, description: null, visible_labels: null }],
  guidelines: null,
  metadata_properties: null,
  vectors_settings: null,
  allow_extra_metadata: true,
});
const row = (i: number) => JSON.stringify({ text: `text ${i} ${"x".repeat(100)}`, label: [], "label-suggestion": null, "label-suggestion-metadata": { type: null, score: null, agent: null }, external_id: null, metadata: "{}" });
const jsonl = (bytes: number) => Array.from({ length: Math.ceil(bytes / 160) }, (_, i) => row(i)).join("\n") + "\n";

let db: Database;
let caller: ReturnType<typeof createCaller>;
let worker: { stop(): Promise<void> };
let home: string;
let member: TestPerson;
let previousUrl: string | undefined;

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  caller = createCaller({ db, user: IN_PROCESS_ADMIN });
  previousUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = inject("databaseUrl"); // the upload route's own connection (serverDatabase), for its session check
  member = await createPerson(db, "member");
  worker = await startTestWorker(db);
});
beforeEach(async () => {
  home = fs.realpathSync(await makeTempDir("studio-home-"));
  vi.stubEnv("STUDIO_HOME", home);
  vi.stubEnv("STUDIO_IMPORT_ROOTS", "");
});
afterEach(() => vi.unstubAllEnvs());
afterAll(async () => {
  await worker.stop();
  if (previousUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = previousUrl;
  await db.close();
  await removeTempDirs();
});

const leftIn = (folder: string) => (fs.existsSync(folder) ? fs.readdirSync(folder) : []);

/** Patches each central directory header of a zip built by buildZip (index: the entry's position). */
function patchCentral(zip: Buffer, patch: (at: number, index: number) => void): Buffer {
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  let index = 0;
  for (let at = zip.indexOf(signature); at !== -1; at = zip.indexOf(signature, at + 4)) patch(at, index++);
  return zip;
}

async function writeZip(name: string, entries: ZipEntry[] | Buffer): Promise<string> {
  const dir = await makeTempDir("zips-");
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.isBuffer(entries) ? entries : buildZip(entries));
  return file;
}

function put(uploadId: string, filePath: string[], body: BodyInit | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const request = new Request(`http://localhost/api/uploads/${uploadId}/${filePath.join("/")}`, { method: "PUT", body, headers: { cookie: member.cookie, ...headers }, duplex: "half" } as RequestInit);
  return PUT(request, { params: Promise.resolve({ uploadId, path: filePath }) });
}

describe("zip limits, from the environment", () => {
  it("a zip that unpacks past STUDIO_ZIP_MAX_MB is stopped, named, and leaves nothing behind", async () => {
    vi.stubEnv("STUDIO_ZIP_MAX_MB", "1");
    const zip = await writeZip("bomb.zip", [{ name: "argilla.yaml", data: YAML }, { name: "data/train.jsonl", data: jsonl(3 * MiB), deflate: true }]);
    expect(fs.statSync(zip).size).toBeLessThan(MiB / 4);
    await expect(importFromPath(db.pool, zip, { name: "zip-bomb" })).rejects.toThrow("bomb.zip: refused: it unpacks to more than 1 MiB, the limit STUDIO_ZIP_MAX_MB sets");
    expect(leftIn(extractRoot())).toEqual([]);
    expect(await findDataset(db.pool, "zip-bomb")).toBeNull();
  });

  it("an entry compressed past STUDIO_ZIP_MAX_RATIO", async () => {
    vi.stubEnv("STUDIO_ZIP_MAX_RATIO", "20");
    const zip = await writeZip("ratio.zip", [{ name: "argilla.yaml", data: YAML }, { name: "data/train.jsonl", data: "\n".repeat(2 * MiB), deflate: true }]);
    await expect(importFromPath(db.pool, zip, { name: "zip-ratio" })).rejects.toThrow(
      'ratio.zip: refused: entry "data/train.jsonl" unpacks to more than 20 times its compressed size, the limit STUDIO_ZIP_MAX_RATIO sets',
    );
    expect(leftIn(extractRoot())).toEqual([]);
  });

  it("more entries than STUDIO_ZIP_MAX_ENTRIES", async () => {
    vi.stubEnv("STUDIO_ZIP_MAX_ENTRIES", "5");
    const entries = [{ name: "argilla.yaml", data: YAML }, ...Array.from({ length: 6 }, (_, i) => ({ name: `data/part-${i}.jsonl`, data: row(i) }))];
    const zip = await writeZip("many.zip", entries);
    await expect(importFromPath(db.pool, zip, { name: "zip-many" })).rejects.toThrow("many.zip: refused: it holds 7 entries, more than 5, the limit STUDIO_ZIP_MAX_ENTRIES sets");
    expect(leftIn(extractRoot())).toEqual([]);
  });

  it("a symbolic link entry is refused, not written as a file", async () => {
    const zip = buildZip([{ name: "argilla.yaml", data: "/etc/passwd" }, { name: "data/train.jsonl", data: row(0) }]);
    patchCentral(zip, (at, index) => {
      if (index !== 0) return;
      zip.writeUInt16LE((3 << 8) | 20, at + 4); // made by Unix
      zip.writeUInt32LE((0o120777 << 16) >>> 0, at + 38); // mode: a symbolic link
    });
    await expect(importFromPath(db.pool, await writeZip("link.zip", zip), { name: "zip-link" })).rejects.toThrow('link.zip: refused: entry "argilla.yaml" is a symbolic link');
    expect(leftIn(extractRoot())).toEqual([]);
  });

  it("a good zip is extracted inside the studio home and removed after the import", async () => {
    const zip = await writeZip("good.zip", [{ name: "argilla.yaml", data: YAML }, { name: "data/train.jsonl", data: jsonl(10_000), deflate: true }]);
    const summary = await importFromPath(db.pool, zip, { name: "zip-good" });
    expect(summary.records).toBeGreaterThan(0);
    expect(fs.existsSync(extractRoot())).toBe(true);
    expect(leftIn(extractRoot())).toEqual([]);
  });
});

describe("uploads", () => {
  it("an uploaded zip bomb fails its import by name, and neither the upload nor its extraction is left", async () => {
    vi.stubEnv("STUDIO_ZIP_MAX_MB", "1");
    const uploadId = crypto.randomUUID();
    const zip = buildZip([{ name: "argilla.yaml", data: YAML }, { name: "data/train.jsonl", data: jsonl(3 * MiB), deflate: true }]);
    expect((await put(uploadId, ["bomb.zip"], new Uint8Array(zip))).status).toBe(200);
    const { importId } = await caller.datasets.importUpload({ uploadId });
    let job = await caller.datasets.importStatus({ importId });
    while (job.state === "queued" || job.state === "running") {
      await new Promise((resolve) => setTimeout(resolve, 20));
      job = await caller.datasets.importStatus({ importId });
    }
    expect(job).toMatchObject({ state: "failed", error: "bomb.zip: refused: it unpacks to more than 1 MiB, the limit STUDIO_ZIP_MAX_MB sets" });
    await vi.waitFor(() => expect(leftIn(uploadsRoot())).toEqual([]));
    expect(leftIn(extractRoot())).toEqual([]);
  });

  it("a file declared larger than STUDIO_MAX_UPLOAD_MB is answered 413 before anything is written", async () => {
    vi.stubEnv("STUDIO_MAX_UPLOAD_MB", "1");
    const uploadId = crypto.randomUUID();
    const response = await put(uploadId, ["data", "train.jsonl"], Buffer.alloc(2 * MiB), { "content-length": String(2 * MiB) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "the upload is larger than 1 MiB, the limit STUDIO_MAX_UPLOAD_MB sets" });
    expect(fs.existsSync(path.join(uploadsRoot(), uploadId, "data/train.jsonl"))).toBe(false);
  });

  it("a body without a length is cut at the cap: 413, the partial file deleted, the rest never read", async () => {
    vi.stubEnv("STUDIO_MAX_UPLOAD_MB", "1");
    const uploadId = crypto.randomUUID();
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 100 * MiB) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await put(uploadId, ["huge.zip"], endless);
    expect(response.status).toBe(413);
    expect((await response.json()).error).toBe("the upload is larger than 1 MiB, the limit STUDIO_MAX_UPLOAD_MB sets");
    expect(sent).toBeLessThan(2 * MiB);
    expect(leftIn(path.join(uploadsRoot(), uploadId))).toEqual([]);
  });

  it("the cap is for all files of one upload together; one under it is stored", async () => {
    vi.stubEnv("STUDIO_MAX_UPLOAD_MB", "1");
    const uploadId = crypto.randomUUID();
    const first = await put(uploadId, ["argilla.yaml"], Buffer.alloc(700 * 1024));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ bytes: 700 * 1024 });
    const second = await put(uploadId, ["data", "train.jsonl"], Buffer.alloc(700 * 1024));
    expect(second.status).toBe(413);
    expect(fs.existsSync(path.join(uploadsRoot(), uploadId, "argilla.yaml"))).toBe(true);
    expect(fs.existsSync(path.join(uploadsRoot(), uploadId, "data/train.jsonl"))).toBe(false);
    // Sent again, a file replaces itself rather than counting twice.
    expect((await put(uploadId, ["argilla.yaml"], Buffer.alloc(700 * 1024))).status).toBe(200);
  });
});

describe("clean-up", () => {
  const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

  /** Sets the folder and everything in it to `when`. */
  function age(folder: string, when: Date): void {
    for (const entry of fs.readdirSync(folder, { recursive: true, withFileTypes: true })) fs.utimesSync(path.join(entry.parentPath, entry.name), when, when);
    fs.utimesSync(folder, when, when);
  }

  function makeUpload(when: Date): string {
    const id = crypto.randomUUID();
    fs.mkdirSync(path.join(uploadsRoot(), id, "data"), { recursive: true });
    fs.writeFileSync(path.join(uploadsRoot(), id, "data/train.jsonl"), "{}\n");
    age(path.join(uploadsRoot(), id), when);
    return id;
  }

  function makeExtraction(owner: { pid: number; started: number } | null, when: Date): string {
    const name = crypto.randomUUID();
    const folder = path.join(extractRoot(), name);
    fs.mkdirSync(path.join(folder, "data"), { recursive: true });
    fs.writeFileSync(path.join(folder, "data/train.jsonl"), "{}\n");
    if (owner) fs.writeFileSync(path.join(folder, ".owner.json"), JSON.stringify(owner));
    age(folder, when);
    return name;
  }

  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ["-e", "0"]);
    await new Promise((resolve) => child.on("exit", resolve));
    return child.pid!;
  }

  it("deletes old uploads and extractions and those of dead processes, keeps fresh ones and live owners'", async () => {
    vi.stubEnv("STUDIO_UPLOAD_TTL_HOURS", "2");
    const me = { pid: process.pid, started: Math.round(performance.timeOrigin) };
    const live = spawn("sleep", ["60"]);
    try {
      const oldUpload = makeUpload(hoursAgo(3));
      const freshUpload = makeUpload(hoursAgo(1));
      const deadOwner = makeExtraction({ pid: await deadPid(), started: 1 }, new Date());
      const reusedPid = makeExtraction({ pid: process.pid, started: me.started - 60_000 }, new Date());
      const liveOwner = makeExtraction({ pid: live.pid!, started: 1 }, hoursAgo(1));
      const liveOwnerOld = makeExtraction({ pid: live.pid!, started: 1 }, hoursAgo(3));
      const mine = makeExtraction(me, hoursAgo(3));
      const ownerless = makeExtraction(null, hoursAgo(1));
      const ownerlessNew = makeExtraction(null, new Date());

      const removed = await removeAbandoned();
      expect(removed.uploads).toEqual([oldUpload]);
      expect(removed.extractions.sort()).toEqual([deadOwner, reusedPid, liveOwnerOld, ownerless].sort());
      expect(leftIn(uploadsRoot())).toEqual([freshUpload]);
      expect(leftIn(extractRoot()).sort()).toEqual([liveOwner, mine, ownerlessNew].sort());
    } finally {
      live.kill();
    }
  });

  it("the web server's start-up hook (instrumentation.ts) runs the clean-up", async () => {
    vi.stubEnv("STUDIO_UPLOAD_TTL_HOURS", "2");
    vi.stubEnv("NEXT_RUNTIME", "nodejs");
    const oldUpload = makeUpload(hoursAgo(5));
    const deadOwner = makeExtraction({ pid: await deadPid(), started: 1 }, new Date());
    await register();
    await vi.waitFor(() => {
      expect(leftIn(uploadsRoot())).not.toContain(oldUpload);
      expect(leftIn(extractRoot())).not.toContain(deadOwner);
    });
  });
});
