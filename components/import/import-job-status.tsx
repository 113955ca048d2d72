"use client";
/** Follows one import job: polls importStatus every 300 ms until it is done or failed. */
import { useEffect } from "react";
import Link from "next/link";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { datasetHref, formatCount, formatNumber } from "~/components/format";
import { ErrorMessage, ProgressBar } from "~/components/ui";

export function ImportJobStatus({ importId }: { importId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(
    trpc.datasets.importStatus.queryOptions({ importId }, { refetchInterval: (query) => (query.state.data?.state === "done" || query.state.data?.state === "failed" ? false : 300), staleTime: 0 }),
  );
  const job = status.data;

  // A finished import adds a dataset: refresh the list on this page.
  useEffect(() => {
    if (job?.state === "done") void queryClient.invalidateQueries({ queryKey: trpc.datasets.list.queryKey() });
  }, [job?.state, queryClient, trpc]);

  if (status.error) return <ErrorMessage title="Could not follow the import" message={status.error.message} testId="import-error" />;
  if (!job || job.state === "queued") return <ProgressBar label="Import progress" value={0} max={1} detail={job ? "waiting for a worker…" : "starting…"} />;

  // Done means every row is in: show a full bar even when the total was only estimated.
  const max = job.state === "done" ? Math.max(job.totalRows ?? 0, job.rowsRead, 1) : (job.totalRows ?? Math.max(job.rowsRead, 1));
  const value = job.state === "done" ? max : job.rowsRead;
  const detail = `${formatNumber(job.rowsRead)}${job.totalRows !== null ? ` / ${formatNumber(job.totalRows)}` : ""} rows`;
  return (
    <div className="space-y-3">
      <ProgressBar label="Import progress" value={value} max={max} detail={detail} failed={job.state === "failed"} />
      {job.state === "done" && (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Imported {formatCount(job.summary.records, "record")} with {formatCount(job.summary.responses, "response")} from{" "}
          {formatCount(job.summary.annotators, "annotator")}.{" "}
          <Link href={datasetHref(job.summary.dataset)} className="font-semibold text-indigo-700 underline hover:text-indigo-900">
            Open {job.summary.dataset}
          </Link>
        </p>
      )}
      {job.state === "failed" && <ErrorMessage title="The import failed" message={job.error} testId="import-error" />}
      <p className="text-xs text-slate-500">
        <Link href={`/jobs/${job.id}`} className="text-indigo-700 hover:underline">
          This import on the jobs page
        </Link>
      </p>
    </div>
  );
}
