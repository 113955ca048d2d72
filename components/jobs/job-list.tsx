"use client";
/** Every job, newest first, refreshed while any is queued or running. */
import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { datasetHref, formatDateTime } from "~/components/format";
import { EmptyState, ErrorMessage, inputClass, Loading, Section } from "~/components/ui";
import { isLive, jobDuration, jobKindTitle, JobProgress, JobStateChip } from "./job-state";

const STATES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;

export function JobList({ datasetId }: { datasetId?: number }) {
  const trpc = useTRPC();
  const [state, setState] = useState<(typeof STATES)[number] | "">("");
  const jobs = useQuery({
    ...trpc.jobs.list.queryOptions({ state: state || undefined, datasetId, limit: 200 }),
    refetchInterval: (query) => (query.state.data?.some(isLive) ? 1000 : 5000),
  });
  const now = Date.now();
  return (
    <Section
      id="jobs"
      title="Jobs"
      actions={
        <label className="flex items-center gap-2 text-xs text-slate-600">
          State
          <select aria-label="Filter by state" className={inputClass} value={state} onChange={(e) => setState(e.target.value as typeof state)}>
            <option value="">all</option>
            {STATES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      }
    >
      {jobs.isPending ? (
        <Loading label="Loading jobs…" />
      ) : jobs.error ? (
        <ErrorMessage title="Could not load the jobs" message={jobs.error.message} />
      ) : jobs.data.length === 0 ? (
        <EmptyState>No jobs yet. Imports, index builds and training runs appear here.</EmptyState>
      ) : (
        <div className="-mx-4 -my-4 overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Job</th>
                <th scope="col" className="px-4 py-2 font-medium">Dataset</th>
                <th scope="col" className="px-4 py-2 font-medium">State</th>
                <th scope="col" className="w-64 px-4 py-2 font-medium">Progress</th>
                <th scope="col" className="px-4 py-2 font-medium">Created</th>
                <th scope="col" className="px-4 py-2 font-medium">Took</th>
                <th scope="col" className="px-4 py-2 text-right font-medium">Attempts</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {jobs.data.map((job) => (
                <tr key={job.id} className="align-top hover:bg-slate-50" data-testid="job-row">
                  <td className="px-4 py-2">
                    <Link href={`/jobs/${job.id}`} className="font-medium text-indigo-700 hover:underline">
                      {jobKindTitle(job.kind)}
                    </Link>
                    <div className="font-mono text-xs text-slate-400">{job.id.slice(0, 8)}</div>
                  </td>
                  <td className="px-4 py-2">{job.datasetName ? <Link href={datasetHref(job.datasetName)} className="text-indigo-700 hover:underline">{job.datasetName}</Link> : <span className="text-slate-400">—</span>}</td>
                  <td className="px-4 py-2">
                    <JobStateChip job={job} />
                    {job.state === "failed" && job.error && <p className="mt-1 max-w-xs truncate text-xs text-red-700" title={job.error}>{job.error}</p>}
                  </td>
                  <td className="px-4 py-2">
                    <JobProgress job={job} />
                  </td>
                  <td className="whitespace-nowrap px-4 py-2 text-slate-600">{formatDateTime(job.createdAt)}</td>
                  <td className="whitespace-nowrap px-4 py-2 tabular-nums text-slate-600">{jobDuration(job, now) ?? "—"}</td>
                  <td className="px-4 py-2 text-right tabular-nums">
                    {job.attempts} / {job.maxAttempts}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
