"use client";
/**
 * The panels features add below a training job's page (try the model, push to the Hub, …): one
 * line each, in the order they appear.
 */
import type { TrainingRunView } from "./use-training-run";
import { TryTheModel } from "~/components/playground/try-the-model";
import { PushPanel } from "~/components/hub/push-panel";

export function JobPanels({ run }: { run: TrainingRunView }) {
  return (
    <div className="space-y-4" data-testid="job-panels">
      {run.state === "succeeded" && <TryTheModel jobId={run.id} />}
      {run.state === "succeeded" && <PushPanel jobId={run.id} />}
    </div>
  );
}
