"use client";
/** The records view of a dataset page: filter bar, matching count, list. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { formatCount } from "~/components/format";
import { useTRPC } from "~/components/trpc";
import type { DatasetDetail } from "~/components/types";
import { FilterBar } from "./filter-bar";
import { RecordList } from "./record-list";
import { useRecordView } from "./use-record-view";

export function RecordsBrowser({ dataset }: { dataset: DatasetDetail }) {
  const view = useRecordView();
  return (
    <section aria-labelledby="records-title" className="space-y-3">
      <div className="flex items-baseline justify-between gap-3">
        <h2 id="records-title" className="text-base font-semibold text-slate-800">
          Records
        </h2>
        <span className="text-xs text-slate-400">
          <kbd className="rounded border border-slate-300 px-1 font-mono">j</kbd> / <kbd className="rounded border border-slate-300 px-1 font-mono">k</kbd> move ·{" "}
          <kbd className="rounded border border-slate-300 px-1 font-mono">Enter</kbd> opens
        </span>
      </div>
      <FilterBar settings={dataset.settings} annotators={dataset.annotators} view={view} />
      <MatchingCount dataset={dataset.name} filter={view.filter} />
      <RecordList dataset={dataset.name} settings={dataset.settings} view={view} />
    </section>
  );
}

function MatchingCount({ dataset, filter }: { dataset: string; filter: ReturnType<typeof useRecordView>["filter"] }) {
  const trpc = useTRPC();
  const count = useQuery(trpc.records.count.queryOptions({ dataset, filter }, { placeholderData: keepPreviousData }));
  return (
    <p role="status" aria-live="polite" data-testid="record-count" className="text-sm font-medium text-slate-700">
      {count.error ? <span className="text-red-700">Count failed: {count.error.message}</span> : count.data ? formatCount(count.data.count, "record", count.data.capped) : "Counting…"}
    </p>
  );
}
