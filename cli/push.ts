/**
 * `studio push JOB --repo OWNER/NAME`: pushes a finished training job's model to the Hub (HF_ENDPOINT)
 * through the queue (server/jobs/kinds/hub-push.ts), waiting for it in this process when no worker
 * runs, with the bytes sent on stderr. The token is the one on the Secrets page.
 */
import { parseArgs } from "node:util";
import type { HubPushResult } from "../server/jobs/kinds/hub-push";
import type { Command } from "./context";
import { runUntilEnd } from "./run-job";

const USAGE = "studio push JOB --repo OWNER/NAME [--private] [--dataset-repo OWNER/NAME] [--json]";

export const commands: Record<string, Command> = {
  push: {
    usage: USAGE,
    async run(args, ctx) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { repo: { type: "string" }, private: { type: "boolean" }, "dataset-repo": { type: "string" }, json: { type: "boolean" } },
      });
      if (positionals.length !== 1 || !values.repo) throw new Error(`usage: ${USAGE}`);
      const { openDatabase } = await import("../server/db/client");
      const { JobQueue } = await import("../server/jobs/queue");
      const { startHubPush } = await import("../server/hub/start-push");
      const db = await openDatabase();
      try {
        const queue = await JobQueue.open(db);
        try {
          const job = await startHubPush(queue, { trainingJobId: positionals[0]!, repo: values.repo, private: values.private ?? false, datasetRepo: values["dataset-repo"] ?? null });
          const finished = await runUntilEnd(queue, job.id);
          const result = finished.result as HubPushResult | null;
          if (!ctx.json) ctx.out(finished.state === "succeeded" && result ? `Pushed to ${result.url}${result.dataset ? ` and ${result.dataset.url}` : ""}` : `${finished.id}: ${finished.state}: ${finished.error ?? ""}`);
          if (finished.state !== "succeeded") process.exitCode = 1;
          return { job: finished.id, status: finished.state, url: result?.url ?? null, dataset_url: result?.dataset?.url ?? null, ...(finished.error ? { error: finished.error } : {}) };
        } finally {
          await queue.close();
        }
      } finally {
        await db.close();
      }
    },
  },
};
