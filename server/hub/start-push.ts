/**
 * Queues a push (the tRPC `hub.push` and `studio push` both come here): the training job must have
 * finished with a model, and the repo names must be ones the Hub accepts, before anything is queued.
 */
import fs from "node:fs";
import { hubPushJob, hubPushPayloadSchema, type HubPushPayload } from "../jobs/kinds/hub-push";
import type { TrainingResult } from "../jobs/kinds/training";
import type { JobQueue } from "../jobs/queue";
import { getJob, type JobRow } from "../jobs/store";

export class HubPushRefused extends Error {}

export async function startHubPush(queue: JobQueue, input: HubPushPayload): Promise<JobRow> {
  const parsed = hubPushPayloadSchema.safeParse(input);
  if (!parsed.success) throw new HubPushRefused(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  const training = await getJob(queue.db.pool, parsed.data.trainingJobId);
  if (!training || training.kind !== "training") throw new HubPushRefused(`no training job ${parsed.data.trainingJobId}`);
  const modelDir = (training.result as TrainingResult | null)?.modelDir;
  if (training.state !== "succeeded" || !modelDir || !fs.existsSync(modelDir)) {
    throw new HubPushRefused(`training job ${training.id} has no trained model to push (it is ${training.state})`);
  }
  return queue.enqueue(hubPushJob, parsed.data);
}
