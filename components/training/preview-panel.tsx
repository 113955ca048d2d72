"use client";
/**
 * The live preview: a page of records (or a seeded random sample, or a drop reason's records),
 * each shown raw on the left and as the formatted rows the framework gets on the right, with
 * drop reasons and per-record errors next to the record.
 */
import Link from "next/link";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { memo, useEffect, useRef, useState } from "react";
import { StatusBadge } from "~/components/badges";
import { recordHref, recordNumber, shortUserId } from "~/components/format";
import { useTRPC } from "~/components/trpc";
import { Chip, cx, ErrorMessage } from "~/components/ui";
import type { Framework, PreviewView, TaskJson } from "./builder-state";
import { Segmented, smallButtonClass } from "./controls";
import type { StatusFilter } from "~/server/feedback/schema";
import type { DatasetSettings, FormattedRecord, PreviewRecord, RecordCursor } from "./types";

export const PAGE_SIZE = 10;

export interface PreviewFocus {
  reason: string;
  indexes: number[];
  /** How many records the reason dropped in all (only the first ones are listed). */
  count: number;
}

/** A response value in one line: rankings in rank order, lists joined, long text cut. */
export function compactValue(value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length && typeof value[0] === "object" && value[0] !== null && "rank" in value[0]) {
      // Best first; "›" between ranks, "=" within a tie.
      const byRank = new Map<number | null, string[]>();
      for (const item of value as { rank: number | null; value: string }[]) byRank.set(item.rank, [...(byRank.get(item.rank) ?? []), item.value]);
      return [...byRank.entries()]
        .sort((a, b) => (a[0] ?? Infinity) - (b[0] ?? Infinity))
        .map(([, items]) => items.join(" = "))
        .join(" › ");
    }
    if (value.length && typeof value[0] === "object" && value[0] !== null && "start" in value[0]) {
      return (value as { label: string; start: number; end: number }[]).map((s) => `${s.label}[${s.start}:${s.end}]`).join(", ");
    }
    return value.map(String).join(", ");
  }
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function RawRecord({ record, settings }: { record: PreviewRecord; settings: DatasetSettings }) {
  const order = settings.questions.map((q) => q.name);
  return (
    <div className="min-w-0 space-y-2 text-xs">
      <dl className="space-y-1.5">
        {settings.fields.map((field) => (
          <div key={field.name}>
            <dt className="font-mono text-[11px] font-semibold text-sky-800">{field.name}</dt>
            <dd className="max-h-32 overflow-auto whitespace-pre-wrap break-words text-slate-800">
              {record.fields[field.name] ?? <span className="italic text-slate-400">empty</span>}
            </dd>
          </div>
        ))}
      </dl>
      <div>
        <p className="mb-1 flex items-center gap-1.5 text-[11px] font-semibold text-slate-600">
          Responses
          {record.responses.length === 0 && <span className="font-normal italic text-slate-400">none</span>}
        </p>
        <ul className="space-y-1">
          {record.responses.map((response, i) => (
            <li key={i} className={cx("flex gap-1.5 rounded px-1 py-0.5", response.status !== "submitted" && "opacity-70")}>
              <span className="flex shrink-0 items-start gap-1">
                <StatusBadge status={response.status} />
                <span className="pt-0.5 font-mono text-[10px] text-slate-400" title={response.userId ?? "no user id"}>
                  {shortUserId(response.userId)}
                </span>
              </span>
              <span className="min-w-0 space-y-0.5">
                {Object.entries(response.values)
                  .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
                  .map(([question, value]) => (
                    <span key={question} className="block break-words">
                      <span className="font-mono text-[11px] text-violet-700">{question}</span>{" "}
                      <span className="text-slate-700" title={typeof value === "string" ? value : undefined}>
                        {truncate(compactValue(value), 160)}
                      </span>
                    </span>
                  ))}
                {Object.keys(response.values).length === 0 && <span className="italic text-slate-400">no values</span>}
              </span>
            </li>
          ))}
        </ul>
      </div>
      {record.suggestions.length > 0 && (
        <p className="text-[11px] text-slate-500">
          Suggested:{" "}
          {record.suggestions.map((s, i) => (
            <span key={i} className="mr-2">
              <span className="font-mono text-violet-700">{s.question}</span> {truncate(compactValue(s.value), 60)}
              {typeof s.score === "number" && <span className="text-slate-400"> ({s.score.toFixed(2)})</span>}
            </span>
          ))}
        </p>
      )}
    </div>
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function FormattedRows({ result, dropReasons }: { result: FormattedRecord | undefined; dropReasons: Record<string, string> }) {
  if (!result) return <p className="text-xs italic text-slate-400">Not formatted.</p>;
  return (
    <div className="min-w-0 space-y-2">
      {result.error !== undefined && (
        <div data-testid="record-error" role="alert" className="rounded-md border border-rose-300 bg-rose-50 px-2 py-1.5 text-xs text-rose-800">
          <p className="font-semibold">Formatting error</p>
          <p className="whitespace-pre-wrap break-words font-mono text-[11px] leading-relaxed">{result.error}</p>
        </div>
      )}
      {result.dropped && (
        <div data-testid="record-dropped" className="flex flex-wrap items-start gap-1.5 rounded-md border border-amber-200 bg-amber-50 px-2 py-1.5 text-xs text-amber-900">
          <span data-testid="drop-badge" title={dropReasons[result.dropped.reason]}>
            <Chip tone="amber">dropped: {result.dropped.reason}</Chip>
          </span>
          <span className="min-w-0 break-words">{result.dropped.detail}</span>
        </div>
      )}
      {result.rows.length > 0 && (
        <div>
          <p className="mb-1 text-[11px] font-semibold text-slate-600">
            {result.rows.length} row{result.rows.length === 1 ? "" : "s"}
          </p>
          <pre data-testid="formatted-rows" className="max-h-80 overflow-auto whitespace-pre-wrap break-words rounded-md bg-slate-900 p-2 font-mono text-[11px] leading-relaxed text-slate-100">
            {JSON.stringify(result.rows, null, 2)}
          </pre>
        </div>
      )}
      {result.rows.length === 0 && !result.dropped && result.error === undefined && <p className="text-xs italic text-slate-400">No rows.</p>}
    </div>
  );
}

/** One record, raw and formatted; memoized: typing in the form re-renders the page, not every record. */
const RecordCard = memo(function RecordCard({
  dataset,
  record,
  result,
  settings,
  dropReasons,
}: {
  dataset: string;
  record: PreviewRecord;
  result: FormattedRecord | undefined;
  settings: DatasetSettings;
  dropReasons: Record<string, string>;
}) {
  const state = result?.error !== undefined ? "error" : result?.dropped ? "dropped" : result?.rows.length ? "rows" : "empty";
  return (
    <article
      aria-label={`Record #${recordNumber(record.index)}`}
      data-testid="preview-record"
      data-index={record.index}
      data-state={state}
      className={cx(
        "grid gap-3 rounded-md border p-3 md:grid-cols-2",
        state === "error" ? "border-rose-300 bg-rose-50/30" : state === "dropped" ? "border-amber-200 bg-amber-50/20" : "border-slate-200",
      )}
    >
      <div className="min-w-0">
        <div className="mb-2 flex items-center gap-2">
          <Link href={recordHref(dataset, record.index)} className="font-mono text-xs font-semibold text-indigo-700 hover:underline" title="Open in the records browser">
            #{recordNumber(record.index)}
          </Link>
          {record.externalId && <span className="truncate font-mono text-[11px] text-slate-400">{record.externalId}</span>}
        </div>
        <RawRecord record={record} settings={settings} />
      </div>
      <div className="min-w-0 border-t border-slate-100 pt-2 md:border-l md:border-t-0 md:pl-3 md:pt-0">
        <FormattedRows result={result} dropReasons={dropReasons} />
      </div>
    </article>
  );
});

export function PreviewPanel({
  dataset,
  settings,
  task,
  framework,
  filterBy,
  crossEncoder,
  view,
  onView,
  focus,
  onClearFocus,
  dropReasons,
  pending,
}: {
  dataset: string;
  settings: DatasetSettings;
  task: TaskJson;
  framework: Framework;
  filterBy: { filterBy?: { responseStatus: StatusFilter[] } };
  crossEncoder: boolean;
  view: PreviewView;
  onView: (view: PreviewView) => void;
  focus: PreviewFocus | null;
  onClearFocus: () => void;
  dropReasons: Record<string, string>;
  /** The task was edited and the preview will follow shortly. */
  pending: boolean;
}) {
  const trpc = useTRPC();
  const [cursors, setCursors] = useState<(RecordCursor | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  // A new source of records starts from its first page.
  useEffect(() => setCursors([null]), [view.mode, focus]);
  const input = {
    dataset,
    task,
    framework,
    mode: view.mode,
    limit: focus ? Math.min(100, Math.max(1, focus.indexes.length)) : PAGE_SIZE,
    ...(focus ? { indexes: focus.indexes.slice(0, 100) } : view.mode === "page" ? { cursor } : { sampleSeed: view.sampleSeed }),
    ...filterBy,
    ...(crossEncoder ? { crossEncoder: true } : {}),
  };
  const preview = useQuery(trpc.training.preview.queryOptions(input, { placeholderData: keepPreviousData, retry: false, staleTime: 60_000 }));
  // The last good answer stays on screen while a broken edit is fixed.
  const lastGood = useRef(preview.data);
  if (preview.data && !preview.data.taskError) lastGood.current = preview.data;
  const taskError = preview.error?.message ?? preview.data?.taskError ?? null;
  const shown = taskError ? lastGood.current : preview.data;
  const formatted = new Map((shown?.formatted?.records ?? []).map((r) => [r.index, r]));
  const records = shown?.records ?? [];
  const stale = preview.isFetching || pending || Boolean(taskError);
  const panelRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) panelRef.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  }, [focus]);

  return (
    <section ref={panelRef} aria-labelledby="preview-title" className="scroll-mt-4 rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-2.5">
        <h2 id="preview-title" className="flex items-center gap-2 text-sm font-semibold text-slate-800">
          Preview
          <span role="status" aria-live="polite" className="text-[11px] font-normal text-slate-500">
            {preview.isFetching || pending ? (
              <span className="inline-flex items-center gap-1">
                <span aria-hidden className="h-2.5 w-2.5 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600" />
                updating…
              </span>
            ) : shown && !taskError ? (
              `${records.length} record${records.length === 1 ? "" : "s"}, ${[...formatted.values()].reduce((n, r) => n + r.rows.length, 0)} rows`
            ) : null}
          </span>
        </h2>
        <div className="flex flex-wrap items-center gap-2">
          <div>
            <Segmented
              legend="Preview records"
              hideLegend
              value={view.mode}
              options={[
                { value: "page", label: "Page" },
                { value: "sample", label: "Random sample" },
              ]}
              onChange={(mode) => {
                onClearFocus();
                onView({ ...view, mode });
              }}
            />
          </div>
          {view.mode === "sample" && !focus && (
            <button type="button" className={smallButtonClass} onClick={() => onView({ ...view, sampleSeed: view.sampleSeed + 1 })}>
              ↻ Reshuffle
            </button>
          )}
          {view.mode === "page" && !focus && (
            <>
              <button type="button" className={smallButtonClass} disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                ← Previous page
              </button>
              <span className="text-[11px] tabular-nums text-slate-500">page {cursors.length}</span>
              <button
                type="button"
                className={smallButtonClass}
                disabled={!shown?.nextCursor || stale}
                onClick={() => shown?.nextCursor && setCursors([...cursors, shown.nextCursor])}
              >
                Next page →
              </button>
            </>
          )}
        </div>
      </div>
      {focus && (
        <div data-testid="preview-focus" className="flex flex-wrap items-center justify-between gap-2 border-b border-indigo-100 bg-indigo-50 px-4 py-2 text-xs text-indigo-900">
          <span>
            Showing the records dropped for <code className="font-semibold">{focus.reason}</code>
            {focus.count > focus.indexes.length ? ` (the first ${focus.indexes.length} of ${focus.count})` : ` (${focus.count})`}.
          </span>
          <button type="button" className={smallButtonClass} onClick={onClearFocus}>
            Back to all records
          </button>
        </div>
      )}
      <div className="space-y-3 p-4">
        {taskError && <ErrorMessage title="The task cannot be previewed" message={taskError} testId="task-error" />}
        {!shown && !taskError && <p className="py-6 text-center text-sm text-slate-500">Formatting the first records…</p>}
        {shown && records.length === 0 && !taskError && <p className="py-6 text-center text-sm text-slate-500">No records.</p>}
        <ol className={cx("space-y-3 transition-opacity", stale && shown && "opacity-60")} aria-busy={preview.isFetching}>
          {records.map((record) => (
            <li key={record.index}>
              <RecordCard dataset={dataset} record={record} result={formatted.get(record.index)} settings={settings} dropReasons={dropReasons} />
            </li>
          ))}
        </ol>
        {shown?.formatted?.labels && (
          <p className="text-[11px] text-slate-500">
            Label ids on this page:{" "}
            {shown.formatted.labels.map((label, id) => (
              <span key={label} className="mr-2 font-mono">
                {id}={label}
              </span>
            ))}
          </p>
        )}
      </div>
    </section>
  );
}
