"use client";
/**
 * The records before and after one record in the current view (filter + sort): a one-record
 * keyset page from the record's own position, forwards for "next" and with the order reversed
 * for "previous". Works even when the record itself does not match the filter.
 */
import { useEffect } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { RecordFilter, RecordSort } from "~/server/feedback/record-query";
import { useTRPC } from "~/components/trpc";
import type { BrowsedRecord } from "~/components/types";
import { recordPageOptions } from "./record-pages";

export type Direction = "next" | "previous";

export interface Neighbours {
  /** The neighbour's index; null when there is none (or while it is being looked up). */
  index: Record<Direction, number | null>;
  loading: Record<Direction, boolean>;
}

export function useNeighbourRecords(dataset: string, record: BrowsedRecord | undefined, filter: RecordFilter, sort: RecordSort): Neighbours {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The keyset position of this record: its sort value (jsonb null when missing) and index.
  const cursor = record ? { index: record.index, value: sort.by === "index" ? undefined : (record.metadata[sort.by] ?? null) } : null;
  const reversed: RecordSort = { ...sort, order: sort.order === "asc" ? "desc" : "asc" };
  const options = { enabled: cursor !== null, staleTime: 10_000 };
  const next = useQuery({ ...recordPageOptions({ dataset, filter, sort, cursor, limit: 1 }), ...options });
  const previous = useQuery({ ...recordPageOptions({ dataset, filter, sort: reversed, cursor, limit: 1 }), ...options });

  const nextRecord = next.data?.records[0];
  const previousRecord = previous.data?.records[0];

  // The pages hold the whole neighbour records: seed records.get with them so j / k show the
  // next record at once.
  useEffect(() => {
    for (const neighbour of [nextRecord, previousRecord]) {
      if (neighbour) queryClient.setQueryData(trpc.records.get.queryKey({ dataset, index: neighbour.index }), neighbour);
    }
  }, [nextRecord, previousRecord, dataset, queryClient, trpc]);

  return {
    index: { next: nextRecord?.index ?? null, previous: previousRecord?.index ?? null },
    loading: { next: next.isLoading, previous: previous.isLoading },
  };
}
