/**
 * The queue handle of a process that only enqueues and reads (the web server; workers run the
 * jobs): one per database handle, opened on first use.
 */
import type { Database } from "../db/client";
import { JobQueue } from "./queue";

const globalForQueues = globalThis as unknown as { studioQueues?: WeakMap<Database, Promise<JobQueue>> };
const queues = (globalForQueues.studioQueues ??= new WeakMap());

export function queueFor(db: Database): Promise<JobQueue> {
  let queue = queues.get(db);
  if (!queue) {
    queue = JobQueue.open(db);
    queues.set(db, queue);
    queue.catch(() => queues.delete(db));
  }
  return queue;
}
