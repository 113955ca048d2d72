"use client";
/**
 * Push a finished training job's model to the Hugging Face Hub: the repo (OWNER/NAME), private or not,
 * optionally its prepared rows as a dataset repo; then the push job's bar in bytes, the repo's link
 * once it succeeded, or its error. Only a succeeded push shows a link. Viewers see it disabled.
 */
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { useAllows } from "~/components/auth/use-me";
import { ErrorMessage, inputClass, primaryButtonClass, ProgressBar, Section } from "~/components/ui";

type PushResult = { url: string; dataset: { url: string } | null };

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

export function PushPanel({ jobId }: { jobId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const allowed = useAllows("member");
  const [repo, setRepo] = useState("");
  const [isPrivate, setPrivate] = useState(false);
  const [withRows, setWithRows] = useState(false);
  const latest = useQuery(trpc.hub.latest.queryOptions({ trainingJobId: jobId }));
  const pushId = latest.data?.job?.id ?? null;
  const live = (state: string | undefined) => state === "queued" || state === "running";
  const push = useQuery({
    ...trpc.jobs.get.queryOptions({ id: pushId ?? "00000000-0000-0000-0000-000000000000" }),
    enabled: pushId !== null,
    refetchInterval: (query) => (live(query.state.data?.state) ? 500 : false),
  });
  const start = useMutation(
    trpc.hub.push.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.hub.latest.queryKey({ trainingJobId: jobId }) }) }),
  );
  const job = pushId ? push.data : undefined;
  const busy = start.isPending || live(job?.state);
  const result = job?.state === "succeeded" ? (job.result as PushResult) : null;

  return (
    <Section id="push-to-hub" title="Push to the Hugging Face Hub">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          start.mutate({ trainingJobId: jobId, repo: repo.trim(), private: isPrivate, datasetRepo: withRows ? `${repo.trim()}-rows` : null });
        }}
      >
        <label className="flex flex-col text-sm">
          <span className="text-slate-600">Repo (OWNER/NAME)</span>
          <input className={inputClass} name="repo" value={repo} placeholder="your-name/sentiment-model" onChange={(event) => setRepo(event.target.value)} disabled={!allowed || busy} required />
        </label>
        <label className="flex items-center gap-1 text-sm">
          <input type="checkbox" name="private" checked={isPrivate} onChange={(event) => setPrivate(event.target.checked)} disabled={!allowed || busy} /> Private
        </label>
        <label className="flex items-center gap-1 text-sm" title="The prepared rows go to OWNER/NAME-rows, a dataset repo with its own card">
          <input type="checkbox" name="with-rows" checked={withRows} onChange={(event) => setWithRows(event.target.checked)} disabled={!allowed || busy} /> Also push the prepared rows
        </label>
        <button type="submit" className={primaryButtonClass} disabled={!allowed || busy || !repo.trim()}>
          {busy ? "Pushing…" : "Push"}
        </button>
      </form>
      {latest.data && <p className="mt-1 text-xs text-slate-500">Hub: {latest.data.endpoint}</p>}
      {start.error && <ErrorMessage title="The push was not started" message={start.error.message} testId="push-error" />}
      {job && live(job.state) && (
        <div className="mt-3" data-testid="push-progress">
          <ProgressBar
            label={job.phase ?? "queued"}
            value={job.progress?.done ?? 0}
            max={job.progress?.total ?? 0}
            detail={job.progress?.total ? `${formatBytes(job.progress.done)} / ${formatBytes(job.progress.total)}` : undefined}
          />
        </div>
      )}
      {result && (
        <p className="mt-3 text-sm" data-testid="push-done">
          Pushed to{" "}
          <a className="text-blue-700 underline" href={result.url} target="_blank" rel="noreferrer">
            {result.url}
          </a>
          {result.dataset && (
            <>
              {" "}and{" "}
              <a className="text-blue-700 underline" href={result.dataset.url} target="_blank" rel="noreferrer">
                {result.dataset.url}
              </a>
            </>
          )}
        </p>
      )}
      {job && (job.state === "failed" || job.state === "cancelled") && <ErrorMessage title="The push failed" message={job.error ?? job.state} testId="push-error" />}
    </Section>
  );
}
