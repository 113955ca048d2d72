/** The web server's queue handle: it only enqueues and reads (workers run the jobs). */
import { serverDatabase } from "../db/client";
import { JobQueue } from "./queue";

const globalForQueue = globalThis as unknown as { studioQueue?: Promise<JobQueue> };

export function serverQueue(): Promise<JobQueue> {
  globalForQueue.studioQueue ??= JobQueue.open(serverDatabase()).catch((error) => {
    globalForQueue.studioQueue = undefined;
    throw error;
  });
  return globalForQueue.studioQueue;
}
