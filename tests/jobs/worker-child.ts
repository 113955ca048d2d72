/**
 * A worker process for the kill tests: `node --import tsx tests/jobs/worker-child.ts` with
 * DATABASE_URL set; the test kinds, or the studio's own with KINDS=studio.
 */
import { connect } from "../../server/db/client";
import { JOB_KINDS } from "../../server/jobs/kinds";
import { JobQueue } from "../../server/jobs/queue";
import { JobWorker } from "../../server/jobs/worker";
import { TEST_KINDS } from "./test-kinds";

async function main() {
  const db = connect(process.env.DATABASE_URL!);
  const queue = await JobQueue.open(db, { kinds: process.env.KINDS === "studio" ? JOB_KINDS : TEST_KINDS });
  const worker = new JobWorker(queue, { heavySlots: 1, lightSlots: 1, staleSeconds: Number(process.env.STALE_SECONDS ?? 2), pollSeconds: 0.2 });
  worker.start();
  process.stdout.write("ready\n");
  process.on("SIGTERM", () => void worker.stop().then(() => queue.close()).then(() => db.close()).then(() => process.exit(0)));
}

void main();
