"use client";
/**
 * Two to eight training runs side by side: one metric over steps (one line per run, the metric
 * chosen among those any run logged) and the differences of their task JSON, prepare options and
 * config, path by path.
 */
import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { ErrorMessage, inputClass, Loading, Section } from "~/components/ui";
import { JobStateChip } from "./job-state";
import { diffJson } from "./json-diff";
import { LineChart } from "./line-chart";
import { alignSeries, headlineMetric, metricNames, metricSeries, type RunEvent } from "./training-series";
import { formatMetric, modelLabel } from "./training-run";

const COLORS = ["#4f46e5", "#e11d48", "#059669", "#d97706", "#0891b2", "#7c3aed", "#db2777", "#65a30d"];

export function CompareRuns({ ids }: { ids: string[] }) {
  const trpc = useTRPC();
  const runs = useQuery({ ...trpc.trainingRuns.compare.queryOptions({ ids }), enabled: ids.length >= 2, refetchInterval: 5000 });
  const [chosen, setChosen] = useState<string | null>(null);
  if (ids.length < 2) return <ErrorMessage message="Compare needs two or more training jobs: tick them in the jobs list." />;
  if (runs.isPending) return <Loading label="Loading the runs…" />;
  if (runs.error) return <ErrorMessage title="Could not load the runs" message={runs.error.message} />;
  const eventsOf = runs.data.map((run) => run.events.map(({ event, time }) => ({ ...event, time }) as RunEvent));
  const names = [...new Set(eventsOf.flatMap((events) => metricNames(events)))].sort();
  const metric = chosen && names.includes(chosen) ? chosen : names.includes("train/loss") ? "train/loss" : (names[0] ?? null);
  const aligned = metric ? alignSeries(eventsOf.map((events) => metricSeries(events, metric))) : null;
  const label = (i: number) => `#${i + 1} ${runs.data[i]!.id.slice(0, 8)}`;
  return (
    <div className="space-y-4" data-testid="compare-runs">
      <Section id="runs" title="Runs">
        <table className="w-full text-sm">
          <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="py-1 pr-4 font-medium">run</th>
              <th className="py-1 pr-4 font-medium">state</th>
              <th className="py-1 pr-4 font-medium">task · framework</th>
              <th className="py-1 pr-4 font-medium">model</th>
              <th className="py-1 pr-4 font-medium">dataset</th>
              <th className="py-1 font-medium">test metric</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((run, i) => {
              const best = headlineMetric(run.metrics);
              return (
                <tr key={run.id} data-testid="compare-run">
                  <td className="py-1 pr-4">
                    <span className="mr-2 inline-block h-2 w-4 rounded" style={{ background: COLORS[i % COLORS.length] }} />
                    <Link href={`/jobs/${run.id}`} className="font-mono text-indigo-700 hover:underline">
                      {label(i)}
                    </Link>
                  </td>
                  <td className="py-1 pr-4">
                    <JobStateChip job={run} />
                  </td>
                  <td className="py-1 pr-4">
                    {run.task} · {run.framework}
                  </td>
                  <td className="py-1 pr-4" title={run.model}>
                    {modelLabel(run.model)}
                  </td>
                  <td className="py-1 pr-4">{run.dataset.name ?? "—"}</td>
                  <td className="py-1 tabular-nums">{best ? `${best.name} ${formatMetric(best.value)}` : "—"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Section>
      <Section
        id="compare-chart"
        title="Metrics over steps"
        actions={
          names.length > 0 && (
            <select aria-label="Metric" className={inputClass} value={metric ?? ""} onChange={(e) => setChosen(e.target.value)}>
              {names.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
          )
        }
      >
        {aligned && metric ? (
          <LineChart testId="compare-chart" steps={aligned.steps} leftLabel={metric} series={aligned.values.map((values, i) => ({ label: label(i), values, color: COLORS[i % COLORS.length]! }))} />
        ) : (
          <p className="text-sm text-slate-500">None of these runs logged a metric yet.</p>
        )}
      </Section>
      {(["task", "options", "config"] as const).map((part) => (
        <Diff key={part} title={{ task: "Task JSON", options: "Prepare options", config: "Config" }[part]} part={part} documents={runs.data.map((run) => run.pinned[part])} label={label} />
      ))}
    </div>
  );
}

function Diff({ title, part, documents, label }: { title: string; part: string; documents: unknown[]; label: (i: number) => string }) {
  const [all, setAll] = useState(false);
  const rows = diffJson(documents);
  const differing = rows.filter((row) => !row.same);
  const shown = all ? rows : differing;
  return (
    <Section
      id={`diff-${part}`}
      title={`${title}: ${differing.length === 0 ? "the same" : `${differing.length} of ${rows.length} differ`}`}
      actions={
        <label className="flex items-center gap-1 text-xs text-slate-600">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> show the same too
        </label>
      }
    >
      {shown.length === 0 ? (
        <p className="text-sm text-slate-500">{rows.length === 0 ? "Empty in every run." : "Every run has the same values."}</p>
      ) : (
        <table className="w-full text-xs" data-testid={`diff-${part}`}>
          <thead className="text-left uppercase tracking-wide text-slate-500">
            <tr>
              <th className="py-1 pr-4 font-medium">path</th>
              {documents.map((_, i) => (
                <th key={i} className="py-1 pr-4 font-medium">
                  {label(i)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="font-mono">
            {shown.map((row) => (
              <tr key={row.path} className={row.same ? "text-slate-500" : "bg-amber-50"} data-testid="diff-row" data-path={row.path}>
                <td className="py-1 pr-4">{row.path}</td>
                {row.values.map((value, i) => (
                  <td key={i} className="max-w-xs break-all py-1 pr-4">
                    {value ?? <span className="text-slate-400">(none)</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
