/**
 * Confining file reads to folders ("roots"): what the import readers and the services share. A
 * path is resolved with realpath (symlinks followed, `..` gone) and must then lie under a root.
 * Which folders are roots is the services' business (server/services/allowed-paths.ts).
 */
import { realpath } from "node:fs/promises";
import path from "node:path";

/** What a refused request is told where it may read from (no absolute paths: they would show the server's layout). */
export const ALLOWED_ROOTS_HINT = "the folders the studio may read: the studio home and the shipped samples, or those STUDIO_IMPORT_ROOTS lists";

export class PathNotAllowedError extends Error {
  constructor(readonly requested: string) {
    super(`${quotePath(requested)} does not exist or lies outside ${ALLOWED_ROOTS_HINT}`);
    this.name = "PathNotAllowedError";
  }
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
