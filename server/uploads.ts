/**
 * Browser uploads: each file of a drag-and-drop is streamed to STUDIO_HOME/uploads/<uploadId>/
 * under its relative path (never held in memory), then imported like a path on the server.
 */
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readEnv } from "./env";

const UPLOAD_ID = /^[0-9a-f-]{36}$/;

function uploadsRoot(): string {
  return path.join(readEnv().STUDIO_HOME, "uploads");
}

/** Rejects absolute paths and `..` so an upload cannot write outside its folder. */
export function safeRelativePath(relative: string): string | null {
  const normalised = path.posix.normalize(relative.replace(/\\/g, "/")).replace(/^\/+/, "");
  if (!normalised || normalised.startsWith("..") || normalised.includes("/../") || path.isAbsolute(normalised)) return null;
  return normalised;
}

export async function saveUploadedFile(uploadId: string, relativePath: string, body: ReadableStream<Uint8Array>): Promise<number> {
  if (!UPLOAD_ID.test(uploadId)) throw new Error("invalid upload id");
  const relative = safeRelativePath(relativePath);
  if (!relative) throw new Error(`invalid file path "${relativePath}"`);
  const target = path.join(uploadsRoot(), uploadId, relative);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  await pipeline(Readable.fromWeb(body as import("node:stream/web").ReadableStream), fs.createWriteStream(target));
  return (await fs.promises.stat(target)).size;
}

/** What to import for an upload: a lone .zip, or the folder of files. */
export function uploadFolder(uploadId: string): { path: string; suggestedName: string } | null {
  if (!UPLOAD_ID.test(uploadId)) return null;
  const folder = path.join(uploadsRoot(), uploadId);
  if (!fs.existsSync(folder)) return null;
  const entries = fs.readdirSync(folder);
  if (entries.length === 1 && entries[0].toLowerCase().endsWith(".zip")) {
    return { path: path.join(folder, entries[0]), suggestedName: entries[0].replace(/\.zip$/i, "") };
  }
  if (entries.length === 1 && fs.statSync(path.join(folder, entries[0])).isDirectory()) {
    return { path: path.join(folder, entries[0]), suggestedName: entries[0] };
  }
  return { path: folder, suggestedName: "uploaded-dataset" };
}

export async function removeUpload(uploadId: string): Promise<void> {
  if (!UPLOAD_ID.test(uploadId)) return;
  await fs.promises.rm(path.join(uploadsRoot(), uploadId), { recursive: true, force: true });
}
