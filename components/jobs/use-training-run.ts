"use client";
/**
 * Follows a training run from the database through tRPC polling with a cursor: the first load reads
 * its stored events page by page, then every POLL_MS (1 s while the run is queued or running, 5 s
 * after) asks only for events after the last one it holds. The summary (state, phase, progress,
 * error) comes with each poll. A reload or a restarted web server starts again from the database.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";
import { useTRPC } from "~/components/trpc";
import type { RunEvent } from "./training-series";

export type TrainingRunView = Omit<inferRouterOutputs<AppRouter>["trainingRuns"]["get"], "events" | "metrics" | "cursor">;

export const POLL_MS = { live: 1000, ended: 5000 };
const PAGE = 1000;

export interface FollowedRun {
  run: TrainingRunView | null;
  events: RunEvent[];
  error: Error | null;
  /** How long after the runner stamped it the newest event of the last poll that brought any reached the page (ms). */
  lastDelayMs: number | null;
  /** Polls now, not at the next tick (after Cancel or Resume). */
  refresh: () => void;
}

export function useTrainingRun(id: string): FollowedRun {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [run, setRun] = useState<TrainingRunView | null>(null);
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [lastDelayMs, setLastDelayMs] = useState<number | null>(null);
  const cursor = useRef(0);
  const wake = useRef<() => void>(() => {});

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    cursor.current = 0;
    setEvents([]);
    // One poll at a time (two with one cursor would add the same events twice); a wake during one polls again after it.
    let inFlight = false;
    let again = false;
    const poll = async () => {
      if (inFlight) return void (again = true);
      inFlight = true;
      clearTimeout(timer);
      let live = true;
      try {
        // Pages until caught up (a long run's first load), then only what is new.
        for (;;) {
          const answer = await queryClient.fetchQuery({ ...trpc.trainingRuns.get.queryOptions({ id, after: cursor.current, limit: PAGE }), staleTime: 0, gcTime: 0 });
          if (stopped) return;
          const { events: fresh, metrics: _metrics, cursor: next, ...summary } = answer;
          cursor.current = next;
          setRun(summary);
          setError(null);
          live = summary.state === "queued" || summary.state === "running";
          if (fresh.length > 0) {
            const newest = Math.max(...fresh.map((e) => Date.parse(e.time)));
            setLastDelayMs(Date.now() - newest);
            setEvents((held) => [...held, ...fresh.map((e) => ({ ...e.event, time: e.time }) as RunEvent)]);
          }
          if (fresh.length < PAGE) break;
        }
      } catch (caught) {
        if (stopped) return;
        setError(caught as Error);
      } finally {
        inFlight = false;
      }
      if (stopped) return;
      if (again) {
        again = false;
        return void poll();
      }
      timer = setTimeout(() => void poll(), live ? POLL_MS.live : POLL_MS.ended);
    };
    wake.current = () => void poll();
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
      wake.current = () => {};
    };
  }, [id, queryClient, trpc]);

  const refresh = useCallback(() => wake.current(), []);
  return { run, events, error, lastDelayMs, refresh };
}
