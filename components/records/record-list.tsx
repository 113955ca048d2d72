"use client";
/**
 * The matching records, 50 at a time (keyset pages via useInfiniteQuery; more load on scroll or
 * with "Load more"). j / k move the highlighted row, Enter opens it.
 */
import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import type { DatasetSettings } from "~/server/feedback/schema";
import { AgreementBadge, StatusBadge } from "~/components/badges";
import { recordHref, recordNumber } from "~/components/format";
import type { BrowsedRecord } from "~/components/types";
import { Chip, EmptyState, ErrorMessage, Loading, buttonClass, cx } from "~/components/ui";
import { recordPagesOptions } from "./record-pages";
import { formatMetadataValue, summariseRecord } from "./record-summary";
import { useJKKeys } from "./use-jk-keys";
import type { RecordView } from "./use-record-view";

const PAGE_SIZE = 50;

export function RecordList({ dataset, settings, view }: { dataset: string; settings: DatasetSettings; view: RecordView }) {
  const router = useRouter();
  const pages = useInfiniteQuery({ ...recordPagesOptions({ dataset, filter: view.filter, sort: view.sort, limit: PAGE_SIZE }), placeholderData: keepPreviousData });
  const records = pages.data?.pages.flatMap((p) => p.records) ?? [];
  const [highlight, setHighlight] = useState(-1);
  const rowLinks = useRef(new Map<number, HTMLAnchorElement>());

  // A new view starts with nothing highlighted.
  useEffect(() => setHighlight(-1), [view.query]);

  const moveTo = (position: number) => {
    setHighlight(position);
    const link = rowLinks.current.get(position);
    link?.focus({ preventScroll: true });
    link?.scrollIntoView({ block: "nearest" });
  };
  useJKKeys({
    next: () => {
      if (highlight + 1 < records.length) moveTo(highlight + 1);
      else if (pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage().then(() => moveTo(highlight + 1));
    },
    previous: () => moveTo(Math.max(0, highlight - 1)),
    open: () => {
      const record = records[highlight];
      if (record) router.push(recordHref(dataset, record.index, view.query));
    },
  });

  const sentinel = useInfiniteScroll(() => {
    if (pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage();
  });

  if (pages.error && !pages.data) return <ErrorMessage title="Could not load the records" message={pages.error.message} />;
  if (!pages.data) return <Loading label="Loading records…" />;
  if (records.length === 0) return <EmptyState>No records match this view.</EmptyState>;

  return (
    <div className={cx(pages.isPlaceholderData && "opacity-60 transition-opacity")}>
      <ol aria-label="Records" className="divide-y divide-slate-100 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
        {records.map((record, position) => (
          <li key={record.index}>
            <RecordRow
              record={record}
              settings={settings}
              href={recordHref(dataset, record.index, view.query)}
              sortBy={view.sort.by}
              highlighted={position === highlight}
              linkRef={(el) => {
                if (el) rowLinks.current.set(position, el);
                else rowLinks.current.delete(position);
              }}
            />
          </li>
        ))}
      </ol>
      <div ref={sentinel} className="flex justify-center py-3">
        {pages.hasNextPage ? (
          <button type="button" className={buttonClass} disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
            {pages.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        ) : (
          <span className="text-xs text-slate-400">End of the list</span>
        )}
      </div>
      {pages.error && <ErrorMessage title="Could not load more records" message={pages.error.message} />}
    </div>
  );
}

function RecordRow({ record, settings, href, sortBy, highlighted, linkRef }: { record: BrowsedRecord; settings: DatasetSettings; href: string; sortBy: string; highlighted: boolean; linkRef: (el: HTMLAnchorElement | null) => void }) {
  const summary = summariseRecord(record, settings);
  return (
    <Link
      ref={linkRef}
      href={href}
      data-testid="record-row"
      data-highlighted={highlighted || undefined}
      aria-current={highlighted ? "true" : undefined}
      className={cx(
        "grid grid-cols-[3rem_1fr] items-start gap-x-3 gap-y-1 px-3 py-2 text-sm outline-none hover:bg-slate-50 focus-visible:bg-indigo-50 sm:grid-cols-[3rem_1fr_auto]",
        highlighted && "bg-indigo-50 shadow-[inset_3px_0_0_0_var(--color-indigo-600)]",
      )}
    >
      <span data-testid="row-index" className="font-mono text-xs leading-5 text-slate-500">#{recordNumber(record.index)}</span>
      <span className="min-w-0">
        <span className="line-clamp-2 break-words text-slate-800">{summary.preview || <em className="text-slate-400">empty</em>}</span>
        {sortBy !== "index" && (
          <span className="mt-0.5 block text-xs text-slate-500">
            {sortBy}: <span className="font-mono">{formatMetadataValue(record.metadata[sortBy])}</span>
          </span>
        )}
      </span>
      <span className="col-start-2 flex flex-wrap items-center gap-1 sm:col-start-3 sm:justify-end">
        {summary.statusCounts.length === 0 ? <StatusBadge status="pending" /> : summary.statusCounts.map(([status, count]) => <StatusBadge key={status} status={status} count={count} />)}
        {summary.suggestions > 0 && (
          <Chip tone="indigo" title={`${summary.suggestions} suggestion(s)`}>
            suggested
          </Chip>
        )}
        <AgreementBadge level={summary.agreement} />
      </span>
    </Link>
  );
}

/** Calls `onVisible` whenever the returned element scrolls into view. */
function useInfiniteScroll(onVisible: () => void) {
  const latest = useRef(onVisible);
  useEffect(() => {
    latest.current = onVisible;
  });
  const [element, setElement] = useState<HTMLElement | null>(null);
  useEffect(() => {
    if (!element) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && latest.current(), { rootMargin: "400px" });
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return setElement;
}
