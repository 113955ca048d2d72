"use client";
/**
 * Diagnostics over the whole prepared dataset: counts, drops by reason (each one loads its
 * records into the preview), label balance, duplicates / conflicts / leakage, length histograms in
 * characters and, for a tokenizer on the server, in tokens.
 */
import Link from "next/link";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { memo, useRef, useState } from "react";
import { DebouncedInput } from "~/components/debounced-input";
import { formatNumber } from "~/components/format";
import { recordHref } from "~/components/format";
import { useTRPC } from "~/components/trpc";
import { cx, ErrorMessage } from "~/components/ui";
import { splitInput } from "./builder-requests";
import type { Framework, SplitSettings, TaskJson } from "./builder-state";
import { selectBase, smallButtonClass } from "./controls";
import type { DiagnosticsReport } from "./types";

type LengthHistogram = DiagnosticsReport["lengths"][string];

function Stat({ label, value, tone = "slate", testId }: { label: string; value: number | undefined; tone?: "slate" | "indigo" | "amber"; testId?: string }) {
  return (
    <div className="rounded-md border border-slate-200 px-3 py-2">
      <dt className="text-[11px] uppercase tracking-wide text-slate-500">{label}</dt>
      <dd
        data-testid={testId}
        className={cx("text-lg font-semibold tabular-nums", tone === "indigo" ? "text-indigo-700" : tone === "amber" ? "text-amber-700" : "text-slate-900")}
      >
        {value === undefined ? "–" : formatNumber(value)}
      </dd>
    </div>
  );
}

function Bar({ value, max, tone = "indigo" }: { value: number; max: number; tone?: "indigo" | "amber" | "slate" }) {
  const percent = max > 0 ? (value / max) * 100 : 0;
  return (
    <div className="h-2 w-full overflow-hidden rounded-full bg-slate-100">
      <div
        className={cx("h-full rounded-full", tone === "amber" ? "bg-amber-500" : tone === "slate" ? "bg-slate-400" : "bg-indigo-500")}
        style={{ width: `${Math.max(percent, value > 0 ? 2 : 0)}%` }}
      />
    </div>
  );
}

function binLabel(bin: LengthHistogram["bins"][number]): string {
  if (bin.max === null) return `${formatNumber(bin.min)}+`;
  if (bin.min === bin.max) return String(bin.min);
  return `${formatNumber(bin.min)}–${formatNumber(bin.max)}`;
}

/** A column's length histogram as vertical bars (empty bins past the longest text are left out). */
function Histogram({ column, histogram, unit }: { column: string; histogram: LengthHistogram; unit: "characters" | "tokens" }) {
  const lastUsed = histogram.bins.reduce((last, bin, i) => (bin.count > 0 ? i : last), 0);
  const bins = histogram.bins.slice(0, Math.max(lastUsed + 1, 3));
  const max = Math.max(...bins.map((b) => b.count), 1);
  return (
    <figure className="rounded-md border border-slate-200 p-2" aria-label={`Length of ${column} in ${unit}`}>
      <figcaption className="mb-1 flex items-baseline justify-between gap-2 text-[11px]">
        <span className="font-mono font-semibold text-slate-700">{column}</span>
        <span className="tabular-nums text-slate-500">
          min {formatNumber(histogram.min)} · mean {formatNumber(Math.round(histogram.mean))} · max {formatNumber(histogram.max)}
        </span>
      </figcaption>
      <div className="flex h-20 items-end gap-1">
        {bins.map((bin) => (
          <div key={bin.min} className="flex h-full min-w-0 flex-1 flex-col justify-end" title={`${binLabel(bin)} ${unit}: ${bin.count} rows`}>
            <span className="text-center text-[9px] tabular-nums text-slate-500">{bin.count || ""}</span>
            <div className="w-full rounded-t bg-indigo-400" style={{ height: `${(bin.count / max) * 80}%`, minHeight: bin.count ? 2 : 0 }} />
          </div>
        ))}
      </div>
      <div className="mt-0.5 flex gap-1 border-t border-slate-200 pt-0.5">
        {bins.map((bin) => (
          <span key={bin.min} className="min-w-0 flex-1 truncate text-center text-[9px] tabular-nums text-slate-500">
            {binLabel(bin)}
          </span>
        ))}
      </div>
    </figure>
  );
}

function Examples({ title, count, examples, tone, testId }: { title: string; count: number; examples: string[]; tone: "ok" | "warn"; testId: string }) {
  return (
    <div data-testid={testId} className={cx("rounded-md border px-3 py-2 text-xs", tone === "warn" ? "border-amber-200 bg-amber-50" : "border-slate-200")}>
      <p className="flex items-baseline justify-between">
        <span className="font-medium text-slate-700">{title}</span>
        <span className={cx("text-base font-semibold tabular-nums", tone === "warn" ? "text-amber-700" : "text-slate-900")}>{formatNumber(count)}</span>
      </p>
      {examples.length > 0 && (
        <details className="mt-1">
          <summary className="cursor-pointer text-[11px] text-slate-500">examples</summary>
          <ul className="mt-1 list-disc space-y-0.5 pl-4 text-[11px] text-slate-600">
            {examples.map((e, i) => (
              <li key={i} className="break-words">
                {e}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** Memoized: its inputs change after a pause, not on every keystroke in the form. */
export const DiagnosticsPanel = memo(function DiagnosticsPanel({
  dataset,
  task,
  framework,
  split,
  crossEncoder,
  dropReasons,
  onShowReason,
  pending,
}: {
  dataset: string;
  task: TaskJson;
  framework: Framework;
  split: SplitSettings;
  crossEncoder: boolean;
  dropReasons: Record<string, string>;
  onShowReason: (reason: string, indexes: number[], count: number) => void;
  pending: boolean;
}) {
  const trpc = useTRPC();
  const [tokenizer, setTokenizer] = useState("");
  const input = {
    dataset,
    task,
    framework,
    ...splitInput(split),
    ...(crossEncoder ? { crossEncoder: true } : {}),
    ...(tokenizer.trim() ? { tokenizer: tokenizer.trim() } : {}),
  };
  const diagnostics = useQuery(trpc.training.diagnostics.queryOptions(input, { placeholderData: keepPreviousData, retry: false, staleTime: 5 * 60_000 }));
  const lastGood = useRef(diagnostics.data);
  if (diagnostics.data?.report) lastGood.current = diagnostics.data;
  const error = diagnostics.error?.message ?? diagnostics.data?.taskError ?? null;
  const data = error ? lastGood.current : diagnostics.data;
  const report = data?.report ?? null;
  const dropped = data?.dropped ?? null;
  const reasons = dropped
    ? Object.entries(dropped)
        .filter(([, d]) => d.count > 0)
        .sort((a, b) => b[1].count - a[1].count)
    : [];
  const droppedTotal = reasons.reduce((n, [, d]) => n + d.count, 0);
  const labelEntries = report?.labels ? Object.entries(report.labels) : [];
  const labelMax = Math.max(1, ...labelEntries.map(([, n]) => n));
  const flagged = new Set(
    (report?.warnings ?? []).filter((w) => w.code === "minority_class" || w.code === "unused_label").map((w) => /"([^"]+)"/.exec(w.message)?.[1]),
  );
  const busy = diagnostics.isFetching || pending;

  return (
    <section aria-labelledby="diagnostics-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="flex items-center justify-between gap-2 border-b border-slate-100 px-4 py-2.5">
        <h2 id="diagnostics-title" className="flex items-center gap-2 text-sm font-semibold text-slate-800">
          Diagnostics
          <span className="text-[11px] font-normal text-slate-500">whole dataset, after the split</span>
          <span role="status" aria-live="polite" className="text-[11px] font-normal text-slate-500">
            {busy && (
              <span className="inline-flex items-center gap-1">
                <span aria-hidden className="h-2.5 w-2.5 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600" />
                computing…
              </span>
            )}
          </span>
        </h2>
        <button type="button" className={smallButtonClass} onClick={() => void diagnostics.refetch()} disabled={diagnostics.isFetching}>
          ↻ Recompute
        </button>
      </div>
      <div className={cx("space-y-4 p-4 transition-opacity", (busy || error) && data && "[&>*:not([role=alert])]:opacity-60")}>
        {error && <ErrorMessage title="Diagnostics could not be computed" message={error} testId="diagnostics-error" />}
        {error && report && <p className="text-[11px] font-medium uppercase tracking-wide text-slate-400">Last successful result</p>}
        {!data && !error && <p className="py-4 text-center text-sm text-slate-500">Preparing the dataset…</p>}
        {report && (
          <>
            <dl className="grid grid-cols-3 gap-2 sm:grid-cols-6">
              <Stat label="Records in" value={report.records.total} testId="diag-records" />
              <Stat label="Rows out" value={report.rows.total} tone="indigo" testId="diag-rows" />
              <Stat label="Train" value={report.rows.train} testId="diag-train" />
              <Stat label="Test" value={report.rows.test} testId="diag-test" />
              <Stat label="Dropped" value={droppedTotal} tone={droppedTotal ? "amber" : "slate"} testId="diag-dropped" />
              <Stat label="With rows" value={report.records.withRows} testId="diag-with-rows" />
            </dl>

            <div>
              <h3 className="mb-1.5 text-xs font-semibold text-slate-700">Dropped records by reason</h3>
              {reasons.length === 0 ? (
                <p className="text-xs text-slate-500">No record was dropped.</p>
              ) : (
                <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" aria-label="Drop reasons">
                  {reasons.map(([reason, d]) => {
                    const indexes = d.recordIds.map(Number).filter((n) => Number.isInteger(n) && n >= 0);
                    return (
                      <li key={reason} data-testid="drop-reason" data-reason={reason} className="px-3 py-2">
                        <div className="flex items-center gap-3">
                          <button
                            type="button"
                            onClick={() => onShowReason(reason, indexes, d.count)}
                            disabled={indexes.length === 0}
                            title={`Show these records in the preview: ${dropReasons[reason] ?? ""}`}
                            className="w-56 shrink-0 truncate text-left font-mono text-xs font-semibold text-indigo-700 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                          >
                            {reason} <span className="tabular-nums text-slate-900">{formatNumber(d.count)}</span>
                          </button>
                          <Bar value={d.count} max={report.records.total} tone="amber" />
                          <span className="w-12 shrink-0 text-right text-[11px] tabular-nums text-slate-500">
                            {report.records.total ? `${Math.round((d.count / report.records.total) * 100)}%` : ""}
                          </span>
                        </div>
                        <p className="mt-0.5 text-[11px] text-slate-500">{dropReasons[reason]}</p>
                        <details className="mt-0.5">
                          <summary className="cursor-pointer text-[11px] text-slate-500">
                            In the records browser{d.count > indexes.length ? ` (first ${indexes.length})` : ""}
                          </summary>
                          <p className="mt-1 flex flex-wrap gap-1" data-testid="drop-reason-records">
                            {indexes.map((index) => (
                              <Link key={index} href={recordHref(dataset, index)} className="rounded bg-slate-100 px-1 font-mono text-[11px] text-slate-700 hover:bg-indigo-50 hover:text-indigo-700">
                                #{index}
                              </Link>
                            ))}
                          </p>
                        </details>
                      </li>
                    );
                  })}
                </ul>
              )}
            </div>

            {report.warnings.length > 0 && (
              <ul className="space-y-1" aria-label="Warnings">
                {report.warnings.map((w, i) => (
                  <li key={i} data-testid="diagnostics-warning" data-code={w.code} className="flex gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-1.5 text-xs text-amber-900">
                    <span aria-hidden>⚠</span>
                    {w.message}
                  </li>
                ))}
              </ul>
            )}

            {labelEntries.length > 0 && (
              <div>
                <h3 className="mb-1.5 text-xs font-semibold text-slate-700">Label distribution</h3>
                <ul className="space-y-1" aria-label="Label distribution">
                  {labelEntries.map(([label, count]) => (
                    <li key={label} className="flex items-center gap-3 text-xs">
                      <span className={cx("w-40 shrink-0 truncate font-mono", flagged.has(label) ? "text-amber-700" : "text-slate-700")} title={label}>
                        {label}
                      </span>
                      <Bar value={count} max={labelMax} tone={flagged.has(label) ? "amber" : "indigo"} />
                      <span className="w-20 shrink-0 text-right tabular-nums text-slate-600">
                        {formatNumber(count)} <span className="text-slate-400">{report.rows.total ? `${Math.round((count / report.rows.total) * 100)}%` : ""}</span>
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            )}

            <div className="grid gap-2 sm:grid-cols-3">
              <Examples title="Duplicate rows" count={report.duplicates.rows} examples={report.duplicates.examples} tone={report.duplicates.rows ? "warn" : "ok"} testId="diag-duplicates" />
              <Examples title="Conflicting labels" count={report.conflicts.inputs} examples={report.conflicts.examples} tone={report.conflicts.inputs ? "warn" : "ok"} testId="diag-conflicts" />
              <Examples title="Train/test leakage" count={report.leakage.rows} examples={report.leakage.examples} tone={report.leakage.rows ? "warn" : "ok"} testId="diag-leakage" />
            </div>

            {Object.keys(report.lengths).length > 0 && (
              <div>
                <h3 className="mb-1.5 text-xs font-semibold text-slate-700">Text lengths (characters)</h3>
                <div className="grid gap-2 sm:grid-cols-2 xl:grid-cols-3">
                  {Object.entries(report.lengths).map(([column, histogram]) => (
                    <Histogram key={column} column={column} histogram={histogram} unit="characters" />
                  ))}
                </div>
              </div>
            )}

            {report.tokens && Object.keys(report.tokens.lengths).length > 0 && (
              <div data-testid="diag-tokens">
                <h3 className="mb-1.5 text-xs font-semibold text-slate-700">
                  Text lengths (tokens, {report.tokens.tokenizer})
                  {report.tokens.rows < report.rows.total && (
                    <span className="ml-1 font-normal text-slate-500">
                      on {formatNumber(report.tokens.rows)} of {formatNumber(report.rows.total)} rows, evenly spaced
                    </span>
                  )}
                </h3>
                <div className="grid gap-2 sm:grid-cols-2 xl:grid-cols-3">
                  {Object.entries(report.tokens.lengths).map(([column, histogram]) => (
                    <Histogram key={column} column={column} histogram={histogram} unit="tokens" />
                  ))}
                </div>
              </div>
            )}
          </>
        )}
        <div className="flex flex-wrap items-center gap-2 border-t border-slate-100 pt-3 text-xs text-slate-500">
          <label htmlFor="tokenizer" className="font-medium text-slate-700">
            Token lengths
          </label>
          <DebouncedInput
            id="tokenizer"
            value={tokenizer}
            onCommit={setTokenizer}
            delay={500}
            placeholder="folder with tokenizer.json, on the server"
            spellCheck={false}
            className={cx(selectBase, "w-80 font-mono text-xs")}
          />
          <span>The tokenizer.json of the model you will train (for example a downloaded Hub model's folder).</span>
        </div>
        {data?.tokenizerError && <ErrorMessage title="The tokenizer could not be loaded" message={data.tokenizerError} testId="tokenizer-error" />}
      </div>
    </section>
  );
});
