/** How a job's state, progress and timing read on the jobs pages. */
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";
import { formatNumber } from "~/components/format";
import { Chip, ProgressBar, type ChipTone } from "~/components/ui";

export type JobView = inferRouterOutputs<AppRouter>["jobs"]["list"][number];

const STATE_TONES: Record<JobView["state"], ChipTone> = { queued: "grey", running: "indigo", succeeded: "green", failed: "red", cancelled: "amber" };

export const JOB_KIND_TITLES: Record<string, string> = {
  import: "Import",
  "dataset-indexes": "Search and filter indexes",
  "dataset-digests": "Record digests",
  training: "Training",
};

export function jobKindTitle(kind: string): string {
  return JOB_KIND_TITLES[kind] ?? kind;
}

export function isLive(job: Pick<JobView, "state">): boolean {
  return job.state === "queued" || job.state === "running";
}

export function JobStateChip({ job }: { job: Pick<JobView, "state"> }) {
  return <Chip tone={STATE_TONES[job.state]}>{job.state}</Chip>;
}

export function JobProgress({ job }: { job: Pick<JobView, "state" | "progress" | "phase"> }) {
  const progress = job.progress;
  if (!progress || job.state === "queued") return job.phase ? <span className="text-xs text-slate-500">{job.phase}</span> : null;
  const detail = `${formatNumber(progress.done)}${progress.total ? ` / ${formatNumber(progress.total)}` : ""} ${progress.unit}`;
  return <ProgressBar label={job.phase ?? jobProgressLabel(job.state)} value={progress.done} max={progress.total ?? progress.done} detail={detail} failed={job.state === "failed"} />;
}

function jobProgressLabel(state: JobView["state"]): string {
  return state === "running" ? "Running" : state === "succeeded" ? "Done" : "Stopped";
}

/** "12 s", "3 min 4 s", "2 h 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function jobDuration(job: Pick<JobView, "startedAt" | "finishedAt" | "state">, now: number): string | null {
  if (!job.startedAt) return null;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : isLive(job) ? now : null;
  return end === null ? null : formatDuration(end - Date.parse(job.startedAt));
}
