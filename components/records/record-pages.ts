/**
 * Records pages for TanStack Query, from GET /api/records (app/api/records: a route of its own,
 * not tRPC, because the page is the request the browser makes most). The same pages as
 * records.list, with the same query.
 */
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { RecordPage } from "~/server/db/records";
import type { RecordCursor, RecordFilter, RecordSort } from "~/server/feedback/record-query";
import { goToSignIn } from "~/components/auth/auth-requests";

export interface RecordPageQuery {
  dataset: string;
  filter: RecordFilter;
  sort: RecordSort;
  limit: number;
  /** The last record of the page before: its index and sort value. */
  cursor?: RecordCursor | null;
}

async function fetchRecordPage(query: RecordPageQuery): Promise<RecordPage> {
  const response = await fetch(`/api/records?input=${encodeURIComponent(JSON.stringify(query))}`);
  if (response.ok) return (await response.json()) as RecordPage;
  // A session that ended (expired, signed out elsewhere) sends the page to sign-in, as for tRPC calls (components/trpc.tsx).
  if (response.status === 401) goToSignIn();
  const body = (await response.json().catch(() => null)) as { error?: string } | null;
  throw new Error(body?.error ?? `The records could not be read (HTTP ${response.status}).`);
}

const recordPageKey = (query: RecordPageQuery) => ["records", "page", query] as const;

/** One page: the neighbours of a record (a one-record page from its position). */
export function recordPageOptions(query: RecordPageQuery) {
  return queryOptions({ queryKey: recordPageKey(query), queryFn: () => fetchRecordPage(query) });
}

/** The pages of a view, 1..n, each from the last record of the one before. */
export function recordPagesOptions(query: Omit<RecordPageQuery, "cursor">) {
  return infiniteQueryOptions({
    queryKey: ["records", "pages", query] as const,
    queryFn: ({ pageParam }) => fetchRecordPage({ ...query, cursor: pageParam }),
    initialPageParam: null as RecordCursor | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}
