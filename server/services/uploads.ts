/**
 * The studio's temporary files, both in the studio home:
 *   uploads/<uploadId>/…  the files of one browser drag-and-drop, streamed to disk (never held in
 *                         memory) under a size cap, then imported like a path on the server;
 *   extract/<id>/         a .zip being imported, with `.owner.json` naming the process extracting it.
 * An import deletes its own. What is left (an upload never imported, a killed import) is deleted
 * by removeAbandoned(), which the web server runs at start and then periodically
 * (instrumentation.ts): uploads and extractions untouched for STUDIO_UPLOAD_TTL_HOURS, and at
 * once any extraction whose owning process is gone.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { bytesFromMb, env } from "../env";
import { formatBytes } from "../feedback/errors";
import { uploadDatasetName } from "../feedback/upload-name";

const UPLOAD_ID = /^[0-9a-f-]{36}$/;
const OWNER_FILE = ".owner.json";
/** In an upload folder: its import is queued (empty) or running (the importing process, as in OWNER_FILE). */
const IMPORTING_FILE = ".importing";
/** An extraction folder is made, then its owner written: one without an owner this young is being made. */
const OWNER_GRACE_MS = 60_000;

export function uploadsRoot(): string {
  return path.join(env.STUDIO_HOME, "uploads");
}

export function extractRoot(): string {
  return path.join(env.STUDIO_HOME, "extract");
}

export class UploadTooLargeError extends Error {
  readonly status = 413;
  constructor(limitBytes: number) {
    super(`the upload is larger than ${formatBytes(limitBytes)}, the limit STUDIO_MAX_UPLOAD_MB sets`);
    this.name = "UploadTooLargeError";
  }
}

// Shared by every copy of this module in the process (Next bundles route handlers and
// instrumentation separately): bytes received per upload, the timer.
const shared = ((globalThis as unknown as { studioUploads?: SharedState }).studioUploads ??= {
  received: new Map(),
  timer: null,
});
interface SharedState {
  /** Bytes on disk per upload id, all its files together (concurrent PUTs add to the same count). */
  received: Map<string, Promise<{ bytes: number }>>;
  timer: NodeJS.Timeout | null;
}

/** Rejects absolute paths and `..` so an upload cannot write outside its folder. */
export function safeRelativePath(relative: string): string | null {
  const normalised = path.posix.normalize(relative.replace(/\\/g, "/")).replace(/^\/+/, "");
  if (!normalised || normalised.startsWith("..") || normalised.includes("/../") || path.isAbsolute(normalised)) return null;
  return normalised;
}

/**
 * Streams one file of an upload to disk. The upload's files together may hold at most
 * STUDIO_MAX_UPLOAD_MB: refused before reading when `declaredBytes` (Content-Length) says so,
 * else as soon as the bytes received pass it; the partial file is deleted.
 */
export async function saveUploadedFile(uploadId: string, relativePath: string, body: ReadableStream<Uint8Array>, declaredBytes?: number): Promise<number> {
  if (!UPLOAD_ID.test(uploadId)) throw new Error("invalid upload id");
  const relative = safeRelativePath(relativePath);
  if (!relative) throw new Error(`invalid file path "${relativePath}"`);
  const limit = bytesFromMb(env.STUDIO_MAX_UPLOAD_MB);
  const folder = path.join(uploadsRoot(), uploadId);
  const target = path.join(folder, relative);

  let received = shared.received.get(uploadId);
  if (!received) shared.received.set(uploadId, (received = folderBytes(folder).then((bytes) => ({ bytes }))));
  const total = await received;
  // A file sent again (a retry) replaces the earlier one.
  const replaced = (await fs.promises.stat(target).catch(() => null))?.size ?? 0;
  if (declaredBytes !== undefined && total.bytes - replaced + declaredBytes > limit) throw new UploadTooLargeError(limit);

  await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  total.bytes -= replaced;
  let written = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.length;
      total.bytes += chunk.length;
      done(total.bytes > limit ? new UploadTooLargeError(limit) : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body as import("node:stream/web").ReadableStream), counted, fs.createWriteStream(target));
  } catch (error) {
    total.bytes -= written;
    await fs.promises.rm(target, { force: true });
    throw error;
  }
  return written;
}

/** Bytes of the files below `folder` (0 when it does not exist). */
async function folderBytes(folder: string): Promise<number> {
  let bytes = 0;
  for (const entry of await fs.promises.readdir(folder, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (entry.isFile()) bytes += (await fs.promises.stat(path.join(entry.parentPath, entry.name)).catch(() => null))?.size ?? 0;
  }
  return bytes;
}

/**
 * What to import for an upload (a lone .zip, or the folder of files), marked as being imported so
 * that the clean-up leaves it alone until removeUpload (the mark is a file: the import runs in a
 * worker process). Null when it does not exist or is already being imported.
 */
export function claimUpload(uploadId: string): { path: string; suggestedName: string; root: string } | null {
  if (!UPLOAD_ID.test(uploadId)) return null;
  const given = path.join(uploadsRoot(), uploadId);
  if (!fs.existsSync(given)) return null;
  try {
    fs.writeFileSync(path.join(given, IMPORTING_FILE), "", { flag: "wx" });
  } catch {
    return null; // claimed already
  }
  // `root`: the upload's own folder (a real path), the one place its import may read.
  const root = fs.realpathSync(given);
  const entries = fs.readdirSync(root, { withFileTypes: true }).filter((entry) => entry.name !== IMPORTING_FILE);
  const suggestedName = uploadDatasetName(entries.map((entry) => ({ name: entry.name, isFolder: entry.isDirectory() })));
  const only = entries.length === 1 && (entries[0]!.isDirectory() || /\.zip$/i.test(entries[0]!.name)) ? path.join(root, entries[0]!.name) : null;
  return { path: only ?? root, suggestedName, root };
}

/** The process importing a claimed upload says so: should it die, the clean-up removes the upload. */
export async function ownUpload(uploadId: string): Promise<void> {
  if (!UPLOAD_ID.test(uploadId)) return;
  await fs.promises.writeFile(path.join(uploadsRoot(), uploadId, IMPORTING_FILE), JSON.stringify(thisProcess()));
}

export async function removeUpload(uploadId: string): Promise<void> {
  if (!UPLOAD_ID.test(uploadId)) return;
  await fs.promises.rm(path.join(uploadsRoot(), uploadId), { recursive: true, force: true });
  shared.received.delete(uploadId);
}

// ---------------------------------------------------------------------------------------------
// Extraction folders

interface Owner {
  pid: number;
  /** When the process started (ms since the epoch): a pid is reused, a start time is not. */
  started: number;
}

const thisProcess = (): Owner => ({ pid: process.pid, started: Math.round(performance.timeOrigin) });

/** A fresh, empty folder to extract a .zip into, owned by this process (openExport removes it). */
export async function newExtractionFolder(): Promise<string> {
  const folder = path.join(extractRoot(), crypto.randomUUID());
  await fs.promises.mkdir(folder, { recursive: true, mode: 0o700 });
  await fs.promises.writeFile(path.join(folder, OWNER_FILE), JSON.stringify(thisProcess()));
  return folder;
}

function isRunning(owner: Owner): boolean {
  if (owner.pid === process.pid) return owner.started === thisProcess().started;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

async function readOwner(folder: string, file = OWNER_FILE): Promise<Owner | null> {
  try {
    const owner = JSON.parse(await fs.promises.readFile(path.join(/*turbopackIgnore: true*/ folder, file), "utf8")) as Owner;
    return Number.isInteger(owner.pid) && typeof owner.started === "number" ? owner : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Clean-up

/** The newest modification time of a folder and everything below it. */
async function lastTouched(folder: string): Promise<number> {
  let newest = (await fs.promises.stat(folder).catch(() => null))?.mtimeMs ?? 0;
  for (const entry of await fs.promises.readdir(folder, { withFileTypes: true, recursive: true }).catch(() => [])) {
    const mtime = (await fs.promises.lstat(path.join(entry.parentPath, entry.name)).catch(() => null))?.mtimeMs ?? 0;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

export interface CleanupResult {
  /** Upload ids deleted. */
  uploads: string[];
  /** Extraction folder names deleted. */
  extractions: string[];
}

/**
 * Deletes uploads untouched for STUDIO_UPLOAD_TTL_HOURS unless an import that is alive holds them,
 * uploads whose importing process is gone, and extraction folders whose owning process is gone,
 * or that are that old and not this process's.
 */
export async function removeAbandoned(now = Date.now()): Promise<CleanupResult> {
  const ttlMs = env.STUDIO_UPLOAD_TTL_HOURS * 3_600_000;
  const result: CleanupResult = { uploads: [], extractions: [] };
  for (const id of await fs.promises.readdir(uploadsRoot()).catch(() => [] as string[])) {
    const folder = path.join(uploadsRoot(), id);
    const importer = await readOwner(folder, IMPORTING_FILE);
    const abandoned = importer ? !isRunning(importer) : now - (await lastTouched(folder)) > ttlMs;
    if (!abandoned) continue;
    await fs.promises.rm(folder, { recursive: true, force: true });
    shared.received.delete(id);
    result.uploads.push(id);
  }
  for (const name of await fs.promises.readdir(extractRoot()).catch(() => [] as string[])) {
    const folder = path.join(extractRoot(), name);
    const owner = await readOwner(folder);
    const age = now - (await lastTouched(folder));
    const abandoned = owner ? !isRunning(owner) || (age > ttlMs && owner.pid !== process.pid) : age > OWNER_GRACE_MS;
    if (!abandoned) continue;
    await fs.promises.rm(folder, { recursive: true, force: true });
    result.extractions.push(name);
  }
  return result;
}

/** Runs removeAbandoned now and then every quarter of the time-out (at least a minute, at most an hour). Once per process. */
export function scheduleCleanup(log: (line: string) => void = console.log): void {
  if (shared.timer) return;
  const run = () =>
    removeAbandoned()
      .then(({ uploads, extractions }) => {
        if (uploads.length + extractions.length > 0) log(`Removed ${uploads.length} abandoned upload(s) and ${extractions.length} extraction folder(s)`);
      })
      .catch((error: Error) => console.error(`Cleaning up uploads: ${error.message}`));
  void run();
  const everyMs = Math.min(Math.max((env.STUDIO_UPLOAD_TTL_HOURS * 3_600_000) / 4, 60_000), 3_600_000);
  shared.timer = setInterval(run, everyMs);
  shared.timer.unref();
}
