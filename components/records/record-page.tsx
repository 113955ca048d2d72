"use client";
/**
 * The record pages, /datasets/[name]/records/[index]. The header (with j / k navigation) lives in
 * the records layout so it stays mounted from one record to the next: key presses made while a
 * move is under way are not lost. The query string carries the list's view, so j / k walk the
 * same filtered, sorted records as the list.
 */
import type { ReactNode } from "react";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { Breadcrumb } from "~/components/datasets/dataset-header";
import { datasetHref, recordNumber } from "~/components/format";
import { useTRPC } from "~/components/trpc";
import { ErrorMessage, Loading, buttonClass } from "~/components/ui";
import { RecordDetail } from "./record-detail";
import { useJKKeys } from "./use-jk-keys";
import { useRecordWalk } from "./use-record-walk";
import { isFiltered, useRecordView } from "./use-record-view";

function useRecordQueries(name: string, index: number) {
  const trpc = useTRPC();
  const dataset = useQuery(trpc.datasets.get.queryOptions({ name }));
  const record = useQuery(trpc.records.get.queryOptions({ dataset: name, index }, { enabled: Number.isInteger(index) }));
  return { dataset, record };
}

/** Layout part: header and navigation around the current record page. */
export function RecordWalker({ name, children }: { name: string; children: ReactNode }) {
  const index = Number(useParams<{ index: string }>().index);
  const { record } = useRecordQueries(name, index);
  const view = useRecordView();
  const walk = useRecordWalk(name, index, record.data, view);
  useJKKeys({ next: () => walk.step("next"), previous: () => walk.step("previous") });
  const listHref = `${datasetHref(name)}${view.query ? `?${view.query}` : ""}`;

  return (
    <div className="space-y-4">
      <header className="space-y-2">
        <Breadcrumb items={[{ label: "Datasets", href: "/" }, { label: name, href: listHref }, { label: `Record ${recordNumber(index)}` }]} />
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <h1 className="text-xl font-semibold text-slate-900">
              Record <span data-testid="record-index">{recordNumber(index)}</span>
            </h1>
            <p className="text-xs text-slate-500">
              {record.data?.externalId && (
                <>
                  external id <span className="font-mono">{record.data.externalId}</span> ·{" "}
                </>
              )}
              {isFiltered(view.filter) || view.sort.by !== "index" || view.sort.order !== "asc" ? "walking the filtered view" : "walking all records"}
            </p>
          </div>
          <nav aria-label="Record navigation" className="flex items-center gap-2">
            <button type="button" className={buttonClass} disabled={walk.atEnd("previous")} onClick={() => walk.step("previous")}>
              <span aria-hidden>←</span> Previous <Kbd>k</Kbd>
            </button>
            <button type="button" className={buttonClass} disabled={walk.atEnd("next")} onClick={() => walk.step("next")}>
              Next <Kbd>j</Kbd> <span aria-hidden>→</span>
            </button>
            <Link href={listHref} className={buttonClass}>
              Back to list
            </Link>
          </nav>
        </div>
      </header>
      {children}
    </div>
  );
}

/** Page part: the record itself. */
export function RecordBody({ name, index }: { name: string; index: number }) {
  const { dataset, record } = useRecordQueries(name, index);
  if (dataset.error) return <ErrorMessage title="Could not load the dataset" message={dataset.error.message} />;
  if (record.error) return <ErrorMessage title="Could not load the record" message={record.error.message} />;
  if (!dataset.data || !record.data) return <Loading label="Loading the record…" />;
  return <RecordDetail settings={dataset.data.settings} record={record.data} />;
}

function Kbd({ children }: { children: string }) {
  return (
    <kbd aria-hidden className="rounded border border-slate-300 bg-slate-50 px-1 font-mono text-[10px] text-slate-500">
      {children}
    </kbd>
  );
}
