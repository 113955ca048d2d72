/** Messages between the long-work pool (pool.ts) and its threads (thread.ts). */
import type { LongJob, LongJobResult } from "./jobs";

export type ThreadRequest = { type: "run"; id: number; url: string; job: LongJob } | { type: "abort"; id: number };

export type ThreadReply =
  | { type: "done"; id: number; ok: true; result: LongJobResult<LongJob> }
  | { type: "done"; id: number; ok: false; error: { name: string; message: string } };
