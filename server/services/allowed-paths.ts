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
import { env as studioEnv, type Env } from "../env";
import { PathNotAllowedError, realPathUnder } from "../feedback/path-roots";

/** The sample datasets the project ships, imported into an empty database. */
export const SAMPLES_DIR = path.resolve(process.cwd(), "samples");

/** The allowed roots as real paths (a root that does not exist yet is kept as given). */
export async function allowedRoots(env: Readonly<Env> = studioEnv): Promise<string[]> {
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
