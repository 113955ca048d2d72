"use client";
/**
 * Moving through the current view one record at a time (j / k and the buttons). Key presses
 * are counted, not dropped: pressing j three times quickly moves three records, each move
 * waiting until the previous one has arrived and the next neighbour is known.
 */
import { useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import type { RecordFilter, RecordSort } from "~/server/feedback/record-query";
import { recordHref } from "~/components/format";
import type { BrowsedRecord } from "~/components/types";
import { useNeighbourRecords, type Direction, type Neighbours } from "./use-neighbour-records";

export interface RecordWalk {
  neighbours: Neighbours;
  step: (direction: Direction) => void;
  /** Known to have no record in that direction (not merely still looking). */
  atEnd: (direction: Direction) => boolean;
}

export function useRecordWalk(dataset: string, index: number, record: BrowsedRecord | undefined, view: { filter: RecordFilter; sort: RecordSort; query: string }): RecordWalk {
  const router = useRouter();
  const neighbours = useNeighbourRecords(dataset, record?.index === index ? record : undefined, view.filter, view.sort);
  // Steps still to take: positive forwards, negative backwards.
  const [queued, setQueued] = useState(0);
  // A move is under way until the URL shows another record; further steps wait for it.
  const [moving, setMoving] = useState(false);
  useEffect(() => setMoving(false), [index]);

  useEffect(() => {
    if (queued === 0 || moving) return;
    const direction: Direction = queued > 0 ? "next" : "previous";
    if (neighbours.loading[direction] || record?.index !== index) return;
    const destination = neighbours.index[direction];
    if (destination === null) {
      setQueued(0); // the end of the view
      return;
    }
    setMoving(true);
    setQueued((q) => q - Math.sign(q));
    router.push(recordHref(dataset, destination, view.query));
  }, [queued, moving, index, record, neighbours, dataset, router, view.query]);

  return {
    neighbours,
    step: (direction) => setQueued((q) => q + (direction === "next" ? 1 : -1)),
    atEnd: (direction) => neighbours.index[direction] === null && !neighbours.loading[direction],
  };
}
