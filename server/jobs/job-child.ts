/**
 * A job's child process (the training worker, a Hub push): stderr appended to the job folder's
 * log.txt, an events.jsonl beside it, SIGTERM when the job's signal aborts (the child saves and
 * exits) and SIGKILL after a grace period.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";

export interface JobChild {
  child: ChildProcessByStdio<null, Readable, Readable>;
  log: fs.WriteStream;
  events: fs.WriteStream;
  /** The exit status (128 when a signal ended it); rejects when the process could not start. */
  exited: Promise<number | null>;
  /** Forgets the signal and the kill timer, and closes the files. */
  close(): Promise<void>;
}

export function spawnJobChild(
  command: string,
  args: string[],
  options: { dir: string; env: NodeJS.ProcessEnv; signal: AbortSignal; killAfterMs: number },
): JobChild {
  const child = spawn(command, args, { cwd: options.dir, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  // Appended: each run (a resumed one too) adds to the job's log and events.
  const log = fs.createWriteStream(path.join(options.dir, "log.txt"), { flags: "a" });
  const events = fs.createWriteStream(path.join(options.dir, "events.jsonl"), { flags: "a" });
  child.stderr.pipe(log);

  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    child.kill("SIGTERM");
    killTimer = setTimeout(() => child.kill("SIGKILL"), options.killAfterMs);
  };
  if (options.signal.aborted) stop();
  else options.signal.addEventListener("abort", stop, { once: true });

  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve(code ?? (signal ? 128 : null)));
  });
  exited.catch(() => {}); // the caller awaits it after the events; a spawn failure rejects it first
  return {
    child,
    log,
    events,
    exited,
    async close() {
      clearTimeout(killTimer);
      options.signal.removeEventListener("abort", stop);
      await Promise.all([new Promise((resolve) => log.end(resolve)), new Promise((resolve) => events.end(resolve))]);
    },
  };
}
