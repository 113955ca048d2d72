/**
 * Building a folder once, whatever the number of processes asking: a lock file naming its owner's
 * pid (a dead owner's lock is taken over), and a stamp that makes the next call instant.
 *
 * A venv cannot be renamed once built (pip writes its absolute path into every script it installs),
 * so each build goes into its own folder, `<name>-<hash>`, and is made current by renaming a symlink
 * `<name>` onto it, which is atomic: a build killed halfway leaves a folder no link points at, and the
 * next build deletes it.
 */
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const STAMP = ".studio-stamp";
const LOCK = "build.lock";

/** The folder `<root>/<name>` when it was built from `hash`, else null. */
export function builtFolder(root: string, name: string, hash: string): string | null {
  const link = path.join(root, name);
  try {
    return fs.readFileSync(path.join(link, STAMP), "utf8").trim() === hash ? link : null;
  } catch {
    return null;
  }
}

/** Builds `<root>/<name>` with `build` unless it holds `hash` already. The caller holds the lock. */
export async function buildOnce(root: string, name: string, hash: string, build: (dir: string) => Promise<void>): Promise<string> {
  const existing = builtFolder(root, name, hash);
  if (existing) return existing;
  const folder = `${name}-${hash.slice(0, 12)}`;
  const dir = path.join(root, folder);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  try {
    await build(dir);
    fs.writeFileSync(path.join(dir, STAMP), `${hash}\n`);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const link = path.join(root, name);
  const pending = path.join(root, `${name}.link-${process.pid}`);
  fs.rmSync(pending, { force: true });
  fs.symlinkSync(folder, pending);
  if (fs.lstatSync(link, { throwIfNoEntry: false })?.isDirectory()) fs.rmSync(link, { recursive: true, force: true });
  fs.renameSync(pending, link);
  for (const entry of fs.readdirSync(root)) {
    if (entry.startsWith(`${name}-`) && entry !== folder) fs.rmSync(path.join(root, entry), { recursive: true, force: true });
  }
  return link;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid in a lock file; null when it holds none (being written, or its writer died before writing). */
function lockOwner(lock: string): number | null | "gone" {
  try {
    const pid = Number.parseInt(fs.readFileSync(lock, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return "gone";
  }
}

/**
 * Runs `fn` holding `<root>/build.lock`. While another live process holds it, waits (telling
 * `onWait` the owner's pid once); a lock whose owner died, or that stayed empty for 10 s, is removed.
 */
export async function withBuildLock<T>(
  root: string,
  fn: () => Promise<T>,
  options: { onWait?: (ownerPid: number | null) => void; signal?: AbortSignal; pollMs?: number } = {},
): Promise<T> {
  fs.mkdirSync(root, { recursive: true });
  const lock = path.join(root, LOCK);
  let told = false;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = lockOwner(lock);
    if (owner === "gone") continue;
    const stale = owner === null ? Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 10_000 : !alive(owner);
    if (stale) {
      // Only remove the lock this check saw: another waiter may have replaced it meanwhile.
      if (lockOwner(lock) === owner) fs.rmSync(lock, { force: true });
      continue;
    }
    if (!told) options.onWait?.(owner);
    told = true;
    await sleep(options.pollMs ?? 500, undefined, { signal: options.signal });
  }
  try {
    return await fn();
  } finally {
    if (lockOwner(lock) === process.pid) fs.rmSync(lock, { force: true });
  }
}
