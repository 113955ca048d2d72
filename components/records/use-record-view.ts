"use client";
/**
 * The records view (filters + sort) lives in the URL, in the format of viewToSearchParams, so a
 * reload or a shared link shows the same records. This hook is the only place that reads or
 * writes it.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { viewFromSearchParams, viewToSearchParams, type RecordFilter, type RecordSort } from "~/server/feedback/record-query";

export interface RecordView {
  filter: RecordFilter;
  sort: RecordSort;
  /** The view as a query string (without "?"), to carry it to the record pages and back. */
  query: string;
  setFilter: (patch: Partial<RecordFilter>) => void;
  setSort: (sort: RecordSort) => void;
  clear: () => void;
}

export function useRecordView(): RecordView {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const urlQuery = searchParams.toString();
  // The view is applied at once (controls answer immediately); the URL follows a moment later,
  // since router.replace completes asynchronously. Navigation elsewhere (back/forward, a link)
  // changes the URL first, and the view follows it.
  const [query, setQuery] = useState(urlQuery);
  useEffect(() => setQuery(urlQuery), [urlQuery]);
  const { filter, sort } = useMemo(() => viewFromSearchParams(new URLSearchParams(query)), [query]);

  const navigate = useCallback(
    (nextFilter: RecordFilter, nextSort: RecordSort) => {
      const params = viewToSearchParams(compactFilter(nextFilter), nextSort).toString();
      setQuery(params);
      router.replace(params ? `${pathname}?${params}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  return {
    filter,
    sort,
    query,
    setFilter: useCallback((patch) => navigate({ ...filter, ...patch }, sort), [navigate, filter, sort]),
    setSort: useCallback((next) => navigate(filter, next), [navigate, filter]),
    clear: useCallback(() => navigate({}, { by: "index", order: "asc" }), [navigate]),
  };
}

/** Drops empty parts (an emptied multi-select, a cleared range) so URLs stay short and canonical. */
export function compactFilter(filter: RecordFilter): RecordFilter {
  const metadataTerms = Object.fromEntries(Object.entries(filter.metadataTerms ?? {}).filter(([, values]) => values.length > 0));
  const metadataRange = Object.fromEntries(
    Object.entries(filter.metadataRange ?? {}).filter(([, range]) => range.min !== undefined || range.max !== undefined),
  );
  return {
    ...filter,
    annotators: filter.annotators?.length ? filter.annotators : undefined,
    questionStatus: filter.questionStatus?.length ? filter.questionStatus : undefined,
    metadataTerms: Object.keys(metadataTerms).length ? metadataTerms : undefined,
    metadataRange: Object.keys(metadataRange).length ? metadataRange : undefined,
    search: filter.search?.trim() ? filter.search : undefined,
  };
}

export function isFiltered(filter: RecordFilter): boolean {
  return Object.values(compactFilter(filter)).some((v) => v !== undefined);
}
