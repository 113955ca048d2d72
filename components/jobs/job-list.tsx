"use client";
/**
 * Every job, newest first, refreshed while any is queued or running; filtered by dataset and state
 * (kept in the URL: ?dataset=ID&state=S). A training job's row shows its task, framework, model and
 * test metric; ticking two or more opens Compare.
 */
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { datasetHref, formatDateTime } from "~/components/format";
import { buttonStyle, EmptyState, ErrorMessage, inputClass, Loading, Section } from "~/components/ui";
import { isLive, jobDuration, jobKindTitle, JobProgress, JobStateChip } from "./job-state";
import { headlineMetric } from "./training-series";
import { formatMetric, modelLabel } from "./training-run";

const STATES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
type StateFilter = (typeof STATES)[number] | "";

export function JobList() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const stateParam = params.get("state") ?? "";
  const state: StateFilter = (STATES as readonly string[]).includes(stateParam) ? (stateParam as StateFilter) : "";
  const datasetParam = Number(params.get("dataset"));
  const datasetId = Number.isInteger(datasetParam) && datasetParam > 0 ? datasetParam : undefined;
  const [selected, setSelected] = useState<string[]>([]);
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  const jobs = useQuery({
    ...trpc.jobs.list.queryOptions({ state: state || undefined, datasetId, limit: 200 }),
    refetchInterval: (query) => (query.state.data?.some(isLive) ? 1000 : 5000),
  });
  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    router.replace(`${pathname}${next.size ? `?${next}` : ""}`);
  };
  const toggle = (id: string) => setSelected((held) => (held.includes(id) ? held.filter((other) => other !== id) : [...held, id].slice(-8)));
  const now = Date.now();
  return (
    <Section
      id="jobs"
      title="Jobs"
      actions={
        <div className="flex flex-wrap items-center gap-3">
          <label className="flex items-center gap-2 text-xs text-slate-600">
            Dataset
            <select aria-label="Filter by dataset" className={inputClass} value={datasetId ?? ""} onChange={(e) => setParam("dataset", e.target.value)}>
              <option value="">all</option>
              {datasets.data?.map((dataset) => (
                <option key={dataset.id} value={dataset.id}>
                  {dataset.name}
                </option>
              ))}
            </select>
          </label>
          <label className="flex items-center gap-2 text-xs text-slate-600">
            State
            <select aria-label="Filter by state" className={inputClass} value={state} onChange={(e) => setParam("state", e.target.value)}>
              <option value="">all</option>
              {STATES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          {selected.length >= 2 ? (
            <Link href={`/jobs/compare?ids=${selected.join(",")}`} className={buttonStyle({ tone: "primary", size: "sm" })} data-testid="compare-link">
              Compare {selected.length}
            </Link>
          ) : (
            <span className="text-xs text-slate-400">Tick two or more training jobs to compare them</span>
          )}
        </div>
      }
    >
      {jobs.isPending ? (
        <Loading label="Loading jobs…" />
      ) : jobs.error ? (
        <ErrorMessage title="Could not load the jobs" message={jobs.error.message} />
      ) : jobs.data.length === 0 ? (
        <EmptyState>No jobs{state || datasetId ? " match these filters" : " yet. Imports, index builds and training runs appear here"}.</EmptyState>
      ) : (
        <div className="-mx-4 -my-4 overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="w-8 px-2 py-2 font-medium">
                  <span className="sr-only">Compare</span>
                </th>
                <th scope="col" className="px-4 py-2 font-medium">Job</th>
                <th scope="col" className="px-4 py-2 font-medium">Dataset</th>
                <th scope="col" className="px-4 py-2 font-medium">State</th>
                <th scope="col" className="w-64 px-4 py-2 font-medium">Progress</th>
                <th scope="col" className="px-4 py-2 font-medium">Best metric</th>
                <th scope="col" className="px-4 py-2 font-medium">Created</th>
                <th scope="col" className="px-4 py-2 font-medium">Took</th>
                <th scope="col" className="px-4 py-2 text-right font-medium">Attempts</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {jobs.data.map((job) => {
                const best = headlineMetric(job.training?.metrics);
                return (
                  <tr key={job.id} className="align-top hover:bg-slate-50" data-testid="job-row" data-job-id={job.id}>
                    <td className="px-2 py-2">
                      {job.training && <input type="checkbox" aria-label={`Compare ${job.id.slice(0, 8)}`} checked={selected.includes(job.id)} onChange={() => toggle(job.id)} />}
                    </td>
                    <td className="px-4 py-2">
                      <Link href={`/jobs/${job.id}`} className="font-medium text-indigo-700 hover:underline">
                        {job.training ? `${job.training.task} · ${job.training.framework}` : jobKindTitle(job.kind)}
                      </Link>
                      {job.training && (
                        <div className="max-w-xs truncate text-xs text-slate-600" title={job.training.model}>
                          {modelLabel(job.training.model)}
                        </div>
                      )}
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
                    <td className="whitespace-nowrap px-4 py-2 tabular-nums text-slate-700">{best ? `${best.name} ${formatMetric(best.value)}` : <span className="text-slate-400">—</span>}</td>
                    <td className="whitespace-nowrap px-4 py-2 text-slate-600">{formatDateTime(job.createdAt)}</td>
                    <td className="whitespace-nowrap px-4 py-2 tabular-nums text-slate-600">{jobDuration(job, now) ?? "—"}</td>
                    <td className="px-4 py-2 text-right tabular-nums">
                      {job.attempts} / {job.maxAttempts}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
