/**
 * The folders whose files a request may name: path imports, tokenizer folders, model folders.
 * A path is resolved with realpath (symlinks followed, `..` gone) and must then lie under one of
 * the allowed roots: STUDIO_IMPORT_ROOTS, by default the studio home and the shipped samples.
 * The CLI, run by a person with a shell, does not ask: it may read whatever that person can.
 *
 * A refusal never says whether a path outside the roots exists: a missing path and a path
 * outside the roots get the same answer.
 */
import { realpath } from "node:fs/promises";
import path from "node:path";
import { readEnv, type Env } from "../env";

/** The sample datasets the project ships, imported into an empty database. */
export const SAMPLES_DIR = path.resolve(process.cwd(), "samples");

/** What a refused request is told where it may read from (no absolute paths: they would show the server's layout). */
export const ALLOWED_ROOTS_HINT = "the folders the studio may read: the studio home and the shipped samples, or those STUDIO_IMPORT_ROOTS lists";

export class PathNotAllowedError extends Error {
  constructor(readonly requested: string) {
    super(`${quotePath(requested)} does not exist or lies outside ${ALLOWED_ROOTS_HINT}`);
    this.name = "PathNotAllowedError";
  }
}

/** The allowed roots as real paths (a root that does not exist yet is kept as given). */
export async function allowedRoots(env: Env = readEnv()): Promise<string[]> {
  const given = env.STUDIO_IMPORT_ROOTS.length > 0 ? env.STUDIO_IMPORT_ROOTS : [env.STUDIO_HOME, SAMPLES_DIR];
  return Promise.all(given.map(async (root) => realpath(path.resolve(root)).catch(() => path.resolve(root))));
}

/**
 * The real path of `requested` when it exists and lies under one of `roots`; otherwise throws
 * PathNotAllowedError, the same for both. Relative paths resolve against the working directory.
 */
export async function resolveAllowedPath(requested: string, roots?: readonly string[]): Promise<string> {
  const real = await realPathUnder(requested, roots ?? (await allowedRoots()));
  if (real === null) throw new PathNotAllowedError(requested);
  return real;
}

/** The real path of `file` if it exists and lies under one of `roots` (real paths), else null. */
export async function realPathUnder(file: string, roots: readonly string[]): Promise<string | null> {
  const real = await realpath(path.resolve(/*turbopackIgnore: true*/ file)).catch(() => null);
  return real !== null && isUnder(real, roots) ? real : null;
}

/** Whether the real path `real` is one of `roots` or inside one. */
export function isUnder(real: string, roots: readonly string[]): boolean {
  return roots.some((root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}

const MAX_SHOWN_CHARS = 200;

/** A requested path as the requester wrote it, quoted and clipped: it tells them nothing they did not send. */
export function quotePath(requested: string): string {
  const shown = requested.length > MAX_SHOWN_CHARS ? `${requested.slice(0, MAX_SHOWN_CHARS)}…` : requested;
  return JSON.stringify(shown);
}
