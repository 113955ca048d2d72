/** A worker in the test process, for tests that go through procedures which queue jobs (imports). */
import type { Database } from "../../server/db/client";
import { queueFor } from "../../server/jobs/server-queue";
import { JobWorker } from "../../server/jobs/worker";

export async function startTestWorker(db: Database): Promise<{ stop(): Promise<void> }> {
  const queue = await queueFor(db);
  const worker = new JobWorker(queue, { heavySlots: 1, lightSlots: 2, staleSeconds: 20, pollSeconds: 0.05 });
  worker.start();
  return {
    stop: async () => {
      await worker.stop();
      await queue.close();
    },
  };
}
