/** `studio worker`, `studio jobs`, `studio job ID`, `studio cancel ID`. */
import { parseArgs } from "node:util";
import type { JobRow } from "../server/jobs/store";
import { withDatabase, type Command } from "./context";

function describe(job: JobRow): string {
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
    usage: "studio job <id> [--json]",
    async run(args, ctx) {
      const { positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" } } });
      if (positionals.length !== 1) throw new Error(`usage: ${this.usage}`);
      const { getJob } = await import("../server/jobs/store");
      const job = await withDatabase((db) => getJob(db.pool, positionals[0]!));
      if (!job) throw new Error(`No job ${positionals[0]}`);
      if (!ctx.json) {
        ctx.out(describe(job));
        if (job.startedAt) ctx.out(`started ${job.startedAt}${job.finishedAt ? `, finished ${job.finishedAt}` : ""}`);
        if (job.error) ctx.out(`error: ${job.error}`);
        if (job.result != null) ctx.out(`result: ${JSON.stringify(job.result)}`);
      }
      return { job };
    },
  },
  cancel: {
    usage: "studio cancel <id> [--json]",
    async run(args, ctx) {
      const { positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" } } });
      if (positionals.length !== 1) throw new Error(`usage: ${this.usage}`);
      const { requestCancel } = await import("../server/jobs/store");
      const job = await withDatabase((db) => requestCancel(db.pool, positionals[0]!));
      if (!job) throw new Error(`No job ${positionals[0]}`);
      if (!ctx.json) ctx.out(job.state === "cancelled" ? `Cancelled ${job.id}` : job.cancelRequested ? `Asked ${job.id} to stop: its worker stops it within seconds` : `${job.id} is already ${job.state}`);
      return { job: job.id, state: job.state, cancelRequested: job.cancelRequested };
    },
  },
};

