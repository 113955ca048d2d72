/** `studio worker`, `studio jobs`, `studio job ID`, `studio cancel ID`, `studio resume ID`. */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { JobRow } from "../server/jobs/store";
import { withDatabase, type Command } from "./context";

export function describe(job: JobRow): string {
  const progress = job.progress ? ` ${job.progress.done}${job.progress.total ? `/${job.progress.total}` : ""} ${job.progress.unit}` : "";
  const dataset = job.datasetName ? ` ${job.datasetName}` : job.datasetId !== null ? ` dataset #${job.datasetId}` : "";
  return `${job.id}\t${job.kind}${dataset}\t${job.state}${job.phase ? ` (${job.phase})` : ""}${progress}\tattempt ${job.attempts}/${job.maxAttempts}\tcreated ${job.createdAt}`;
}

export const commands: Record<string, Command> = {
  worker: {
    usage: "studio worker   (runs queued jobs until Ctrl-C; STUDIO_WORKER_HEAVY_SLOTS, STUDIO_WORKER_LIGHT_SLOTS)",
    async run(_args, ctx) {
      const { openDatabase } = await import("../server/db/client");
      const { startWorker } = await import("../server/jobs/run-worker");
      const db = await openDatabase();
      const running = await startWorker(db, (line) => ctx.out(`[worker] ${line}`));
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      ctx.out("[worker] stopping: running jobs are queued again");
      await running.stop();
      await db.close();
      return { stopped: running.worker.id };
    },
  },
  jobs: {
    usage: "studio jobs [--state queued|running|succeeded|failed|cancelled] [--limit N] [--json]",
    async run(args, ctx) {
      const { values } = parseArgs({ args, options: { state: { type: "string" }, limit: { type: "string", default: "50" }, json: { type: "boolean" } } });
      const { listJobs, JOB_STATES } = await import("../server/jobs/store");
      if (values.state && !(JOB_STATES as readonly string[]).includes(values.state)) throw new Error(`--state must be one of ${JOB_STATES.join(", ")}`);
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new Error("--limit must be a positive integer");
      const jobs = await withDatabase((db) => listJobs(db.pool, { state: values.state as JobRow["state"] | undefined, limit }));
      if (!ctx.json) {
        if (jobs.length === 0) ctx.out("No jobs.");
        for (const job of jobs) ctx.out(describe(job));
      }
      return { jobs };
    },
  },
  job: {
    usage: "studio job <id> [--json]   (a training job also shows its metrics, model folder and the last 20 lines of its log)",
    async run(args, ctx) {
      const id = jobIdArgument(args, this.usage);
      const { getJob } = await import("../server/jobs/store");
      const { trainingJobDir } = await import("../server/jobs/kinds/training");
      const { latestJobEvent } = await import("../server/training-runs/job-events");
      const found = await withDatabase(async (db) => {
        const job = await getJob(db.pool, id);
        if (!job || job.kind !== "training") return { job, training: null };
        const result = job.result as { metrics?: Record<string, number>; modelDir?: string | null } | null;
        // Until the job ends, the metrics are the last ones its worker reported.
        const metrics = result?.metrics ?? (await latestJobEvent(db.pool, job.id, "metrics"))?.event.values ?? {};
        const dir = trainingJobDir(job.id);
        return { job, training: { metrics, modelDir: result?.modelDir ?? null, folder: dir, logTail: tailLines(path.join(dir, "log.txt"), LOG_TAIL_LINES) } };
      });
      const { job, training } = found;
      if (!job) throw new Error(`No job ${id}`);
      if (!ctx.json) {
        ctx.out(describe(job));
        if (job.startedAt) ctx.out(`started ${job.startedAt}${job.finishedAt ? `, finished ${job.finishedAt}` : ""}`);
        if (job.error) ctx.out(`error: ${job.error}`);
        if (job.errorDetail) ctx.out(job.errorDetail.trimEnd());
        if (training) {
          ctx.out(`metrics: ${JSON.stringify(training.metrics)}`);
          ctx.out(`model: ${training.modelDir ?? "none yet"}\nfolder: ${training.folder}`);
          if (training.logTail.length) ctx.out(`log (last ${training.logTail.length} lines):\n${training.logTail.join("\n")}`);
        } else if (job.result != null) ctx.out(`result: ${JSON.stringify(job.result)}`);
      }
      return { job, ...(training ?? {}) };
    },
  },
  cancel: {
    usage: "studio cancel <id> [--json]",
    async run(args, ctx) {
      const id = jobIdArgument(args, this.usage);
      const { requestCancel } = await import("../server/jobs/store");
      const job = await withDatabase((db) => requestCancel(db.pool, id));
      if (!job) throw new Error(`No job ${id}`);
      if (!ctx.json) ctx.out(job.state === "cancelled" ? `Cancelled ${job.id}` : job.cancelRequested ? `Asked ${job.id} to stop: its worker stops it within seconds` : `${job.id} is already ${job.state}`);
      return { job: job.id, state: job.state, cancelRequested: job.cancelRequested };
    },
  },
  resume: {
    usage: "studio resume <id> [--json]   (a failed or cancelled job runs again, one more attempt; a training job from its last checkpoint)",
    async run(args, ctx) {
      const id = jobIdArgument(args, this.usage);
      const { JobQueue } = await import("../server/jobs/queue");
      const job = await withDatabase(async (db) => {
        const queue = await JobQueue.open(db);
        try {
          return await queue.resume(id);
        } finally {
          await queue.close();
        }
      });
      if (!ctx.json) ctx.out(`Queued ${job.id} again (attempt ${job.attempts + 1} of ${job.maxAttempts}): \`studio job ${job.id}\` shows it`);
      return { job: job.id, state: job.state, attempts: job.attempts, maxAttempts: job.maxAttempts };
    },
  },
};

/** The one job id a command takes (`studio job ID`, `cancel ID`, `resume ID`). */
export function jobIdArgument(args: string[], usage: string): string {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" } } });
  if (positionals.length !== 1) throw new Error(`usage: ${usage}`);
  return positionals[0]!;
}

const LOG_TAIL_LINES = 20;

/** The last `count` lines of a text file (read from its last 64 KiB); none when it does not exist. */
function tailLines(file: string, count: number): string[] {
  let handle: number;
  try {
    handle = fs.openSync(file, "r");
  } catch {
    return [];
  }
  try {
    const size = fs.fstatSync(handle).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    fs.readSync(handle, buffer, 0, length, size - length);
    const lines = buffer.toString("utf8").replace(/\n$/, "").split("\n");
    if (length < size) lines.shift(); // cut mid-line
    return lines.slice(-count);
  } finally {
    fs.closeSync(handle);
  }
}

