"use client";
/** One job: its state, progress, timing, attempts, error or result, and Cancel while it is live; a training job has its own page. */
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { datasetHref, formatDateTime } from "~/components/format";
import { buttonStyle, ErrorMessage, LabelledRows, Loading, Section } from "~/components/ui";
import { isLive, jobDuration, jobKindTitle, JobProgress, JobStateChip } from "./job-state";
import { useAllows } from "~/components/auth/use-me";
import { TrainingRun } from "./training-run";
import { FineTuneJob } from "~/components/openai/fine-tune-job";

export function JobDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const job = useQuery({ ...trpc.jobs.get.queryOptions({ id }), refetchInterval: (query) => (query.state.data && query.state.data.kind !== "training" && isLive(query.state.data) ? 1000 : false) });
  const mayCancel = useAllows("member");
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.jobs.get.queryKey({ id }) }) }));
  if (job.isPending) return <Loading label="Loading the job…" />;
  if (job.error) return <ErrorMessage title="Could not load the job" message={job.error.message} />;
  const j = job.data;
  if (j.kind === "training") return <TrainingRun id={id} />;
  const rows: [string, React.ReactNode][] = [
    ["State", <JobStateChip key="state" job={j} />],
    ["Dataset", j.datasetName ? <Link href={datasetHref(j.datasetName)} className="text-indigo-700 hover:underline">{j.datasetName}</Link> : "—"],
    ["Created", formatDateTime(j.createdAt)],
    ["Started", j.startedAt ? formatDateTime(j.startedAt) : "—"],
    ["Finished", j.finishedAt ? formatDateTime(j.finishedAt) : "—"],
    ["Took", jobDuration(j, Date.now()) ?? "—"],
    ["Attempts", `${j.attempts} of ${j.maxAttempts}`],
  ];
  if (j.queuePosition) rows.splice(1, 0, ["Place in queue", String(j.queuePosition)]);
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">{jobKindTitle(j.kind)}</h1>
          <p className="font-mono text-xs text-slate-500">{j.id}</p>
        </div>
        {isLive(j) && (
          <button type="button" className={buttonStyle({ tone: "danger" })} disabled={cancel.isPending || j.cancelRequested || !mayCancel} onClick={() => cancel.mutate({ id })}>
            {j.cancelRequested ? "Cancelling…" : "Cancel"}
          </button>
        )}
      </div>
      <Section id="job" title="Job">
        <div className="space-y-4">
          <JobProgress job={j} />
          <LabelledRows rows={rows} />
          {j.error && <ErrorMessage title={j.state === "failed" ? "Why it failed" : "Last error"} message={j.error} testId="job-error" />}
          {j.result != null && (
            <details open>
              <summary className="cursor-pointer text-sm font-medium text-slate-700">Result</summary>
              <pre className="mt-2 overflow-x-auto rounded bg-slate-50 p-3 text-xs">{JSON.stringify(j.result, null, 2)}</pre>
            </details>
          )}
          <details>
            <summary className="cursor-pointer text-sm font-medium text-slate-700">Payload</summary>
            <pre className="mt-2 overflow-x-auto rounded bg-slate-50 p-3 text-xs">{JSON.stringify(j.payload, null, 2)}</pre>
          </details>
        </div>
      </Section>
      {j.kind === "openai-fine-tune" && <FineTuneJob id={id} />}
    </div>
  );
}
