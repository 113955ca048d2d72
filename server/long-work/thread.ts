/**
 * A long-work thread (started by pool.ts): runs diagnostics and exports with its own database
 * connections, one job at a time, off the web server's event loop. An abort message stops the
 * job's reads; the pool terminates the thread if CPU-bound work does not end by itself soon after.
 */
import fs from "node:fs";
import os from "node:os";
import { parentPort } from "node:worker_threads";
import { connect, type Database } from "../db/client";
import { runJob } from "./jobs";
import type { ThreadReply, ThreadRequest } from "./protocol";

if (!parentPort) throw new Error("thread.ts runs as a worker thread (server/long-work/pool.ts)");
const port = parentPort;

lowerPriority();

const databases = new Map<string, Database>();
const running = new Map<number, AbortController>();

port.on("message", (message: ThreadRequest) => {
  if (message.type === "abort") {
    running.get(message.id)?.abort(new Error("aborted"));
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  let db = databases.get(message.url);
  if (!db) databases.set(message.url, (db = connect(message.url)));
  runJob(db, message.job, controller.signal).then(
    (result) => port.postMessage({ type: "done", id: message.id, ok: true, result } satisfies ThreadReply),
    (error: Error) => port.postMessage({ type: "done", id: message.id, ok: false, error: { name: error?.name ?? "Error", message: error?.message ?? String(error) } } satisfies ThreadReply),
  ).finally(() => running.delete(message.id));
});

/**
 * Long work yields the CPU to requests: on Linux a thread has its own nice value (os.setPriority
 * given the thread's id), so under contention the kernel runs the web server's event loop and
 * PostgreSQL first. Threads this one starts (formatting sandboxes) inherit it.
 */
function lowerPriority(): void {
  try {
    const tid = Number(fs.readlinkSync("/proc/thread-self").split("/").at(-1));
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, 10);
  } catch {
    // Not Linux, or not allowed: the work still runs off the event loop.
  }
}
