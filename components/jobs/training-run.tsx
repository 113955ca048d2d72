"use client";
/**
 * A training job's page: state and phase (its place in the queue while it waits), the environment's
 * bootstrap before training, a progress bar with step, epoch and ETA, memory, the loss chart, the
 * metrics, the log's end, why it failed with the traceback, what it pinned, Cancel and Resume, and
 * the panels other features add (JobPanels). Everything comes from the database (useTrainingRun).
 */
import Link from "next/link";
import { useEffect, useRef } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { datasetHref, formatDateTime, formatNumber } from "~/components/format";
import { buttonStyle, ErrorMessage, LabelledRows, Loading, ProgressBar, Section } from "~/components/ui";
import { useAllows } from "~/components/auth/use-me";
import { formatDuration, isLive, jobDuration, JobProgress, JobStateChip } from "./job-state";
import { JobPanels } from "./job-panels";
import { LineChart } from "./line-chart";
import { lossSeries, runProgress, type RunEvent } from "./training-series";
import { POLL_MS, useTrainingRun, type TrainingRunView } from "./use-training-run";

export function TrainingRun({ id }: { id: string }) {
  const { run, events, error, lastDelayMs, refresh } = useTrainingRun(id);
  if (!run) return error ? <ErrorMessage title="Could not load the training job" message={error.message} /> : <Loading label="Loading the training job…" />;
  const newest = events.at(-1)?.time ?? "";
  return (
    <div className="space-y-4" data-testid="training-run" data-state={run.state} data-events={events.length} data-newest-event={newest} data-delay-ms={lastDelayMs ?? ""}>
      <Header run={run} refresh={refresh} />
      {error && <ErrorMessage title="Lost contact with the studio; retrying" message={error.message} />}
      <Status run={run} events={events} />
      {run.state === "failed" && <Failure run={run} />}
      <Chart events={events} />
      <Metrics run={run} events={events} />
      <LogTail id={id} live={isLive(run)} />
      <Pinned run={run} />
      <JobPanels run={run} />
      <p className="text-xs text-slate-400">Updated from the studio every {POLL_MS.live / 1000} s while the job runs.</p>
    </div>
  );
}

function Header({ run, refresh }: { run: TrainingRunView; refresh: () => void }) {
  const trpc = useTRPC();
  const isMember = useAllows("member");
  const cancel = useMutation(trpc.trainingRuns.cancel.mutationOptions({ onSettled: refresh }));
  const resume = useMutation(trpc.trainingRuns.resume.mutationOptions({ onSettled: refresh }));
  const mayResume = run.state === "failed" || run.state === "cancelled";
  const why = isMember ? undefined : "Viewers cannot change jobs";
  return (
    <div className="flex flex-wrap items-start justify-between gap-3">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">
          Training: {run.task} with {run.framework}
        </h1>
        <p className="text-sm text-slate-600">
          {run.dataset.name ? (
            <Link href={datasetHref(run.dataset.name)} className="text-indigo-700 hover:underline">
              {run.dataset.name}
            </Link>
          ) : (
            "a deleted dataset"
          )}{" "}
          · <span title={run.model}>{modelLabel(run.model)}</span>
          {run.dataset.name && <> · <Link href={`${datasetHref(run.dataset.name)}/train?fromJob=${run.id}`} className="text-indigo-700 hover:underline">reopen its task in the builder</Link></>}
        </p>
        <p className="font-mono text-xs text-slate-500">{run.id}</p>
      </div>
      <div className="flex gap-2">
        {isLive(run) && (
          <button type="button" title={why} className={buttonStyle({ tone: "danger" })} disabled={!isMember || cancel.isPending || run.cancelRequested} onClick={() => cancel.mutate({ id: run.id })}>
            {run.cancelRequested ? "Cancelling…" : "Cancel"}
          </button>
        )}
        {mayResume && (
          <button type="button" title={why} className={buttonStyle({ tone: "primary" })} disabled={!isMember || resume.isPending} onClick={() => resume.mutate({ id: run.id })}>
            Resume
          </button>
        )}
      </div>
      {(cancel.error ?? resume.error) && <ErrorMessage message={(cancel.error ?? resume.error)!.message} />}
    </div>
  );
}

/** A folder shows as its last part (the server's path is in the title), a Hub id as itself. */
export function modelLabel(model: string): string {
  return model.startsWith("/") ? (model.split("/").filter(Boolean).at(-1) ?? model) : model;
}

function Status({ run, events }: { run: TrainingRunView; events: RunEvent[] }) {
  const progress = runProgress(events);
  const training = run.phase?.startsWith("training") ?? false;
  const rows: [string, React.ReactNode][] = [
    ["State", <JobStateChip key="state" job={run} />],
    [isLive(run) ? "Phase" : "Last phase", <span key="phase" data-testid="run-phase">{run.phase ?? "—"}</span>],
  ];
  if (run.queuePosition) rows.push(["Place in queue", <span key="q" data-testid="queue-position">{run.queuePosition}</span>]);
  rows.push(
    ["Created", formatDateTime(run.createdAt)],
    ["Took", jobDuration(run, Date.now()) ?? "—"],
    ["Attempts", `${run.attempts} of ${run.maxAttempts}`],
  );
  if (progress?.rssMb != null) rows.push(["CPU memory", `${formatNumber(Math.round(progress.rssMb))} MB (peak RSS)`]);
  if (progress?.gpuMb != null) rows.push(["GPU memory", `${formatNumber(Math.round(progress.gpuMb))} MB`]);
  return (
    <Section id="status" title="Status">
      <div className="space-y-4">
        {/* Before the runner reports steps: preparing the rows, or bootstrapping the training environment. */}
        {run.state === "running" && !training && !progress && <JobProgress job={run} />}
        {progress && (
          <div data-testid="run-progress" data-step={progress.step}>
            <ProgressBar
              label={`Step ${formatNumber(progress.step)} of ${formatNumber(progress.maxSteps)}${progress.epoch !== null ? ` · epoch ${progress.epoch.toFixed(2)}` : ""}`}
              value={progress.step}
              max={progress.maxSteps}
              failed={run.state === "failed"}
              detail={isLive(run) ? (progress.etaSeconds === null ? "ETA …" : `ETA ${formatDuration(progress.etaSeconds * 1000)}`) : `${Math.round((100 * progress.step) / Math.max(1, progress.maxSteps))}%`}
            />
          </div>
        )}
        <LabelledRows rows={rows} />
      </div>
    </Section>
  );
}

function Failure({ run }: { run: TrainingRunView }) {
  return (
    <Section id="failure" title="Why it failed">
      <div className="space-y-2" data-testid="run-failure">
        <p className="text-sm text-red-800">{run.error ?? "The job failed without a message."}</p>
        {run.errorDetail && <pre className="max-h-96 overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100">{run.errorDetail}</pre>}
      </div>
    </Section>
  );
}

function Chart({ events }: { events: RunEvent[] }) {
  const series = lossSeries(events);
  return (
    <Section id="loss" title="Loss">
      {series.steps.length === 0 ? (
        <p className="text-sm text-slate-500">No loss logged yet.</p>
      ) : (
        <LineChart
          testId="loss-chart"
          steps={series.steps}
          leftLabel="loss"
          rightLabel="learning rate"
          series={[
            { label: "train loss", values: series.trainLoss, color: "#4f46e5" },
            { label: "eval loss", values: series.evalLoss, color: "#e11d48" },
            { label: "learning rate", values: series.learningRate, color: "#94a3b8", scale: "right", dash: [4, 4] },
          ]}
        />
      )}
    </Section>
  );
}

/** The test split's final metrics, and the latest value of every metric logged on the way. */
function Metrics({ run, events }: { run: TrainingRunView; events: RunEvent[] }) {
  const latest = new Map<string, { step: number; value: number }>();
  for (const event of events) if (event.event === "metrics" && "values" in event) for (const [name, value] of Object.entries(event.values)) latest.set(`${event.split} ${name}`, { step: event.step, value });
  const final = Object.entries(run.result?.metrics ?? {});
  if (final.length === 0 && latest.size === 0) return null;
  return (
    <Section id="metrics" title="Metrics">
      <table className="text-sm" data-testid="run-metrics">
        <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="pr-6 font-medium">metric</th>
            <th className="pr-6 font-medium">value</th>
            <th className="font-medium">step</th>
          </tr>
        </thead>
        <tbody>
          {final.map(([name, value]) => (
            <tr key={`test ${name}`} className="font-medium">
              <td className="pr-6">test {name}</td>
              <td className="pr-6 tabular-nums">{formatMetric(value)}</td>
              <td>end</td>
            </tr>
          ))}
          {[...latest].map(([name, { step, value }]) => (
            <tr key={name}>
              <td className="pr-6">{name}</td>
              <td className="pr-6 tabular-nums">{formatMetric(value)}</td>
              <td className="tabular-nums">{step}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function formatMetric(value: number): string {
  return Math.abs(value) >= 1e-3 || value === 0 ? value.toFixed(4) : value.toExponential(2);
}

function LogTail({ id, live }: { id: string; live: boolean }) {
  const trpc = useTRPC();
  const log = useQuery({ ...trpc.trainingRuns.log.queryOptions({ id, lines: 200 }), refetchInterval: live ? 2000 : false });
  const box = useRef<HTMLPreElement>(null);
  // A tail is read from its end: kept scrolled to the newest line.
  useEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [log.data]);
  return (
    <Section id="log" title="Log">
      {log.error ? (
        <ErrorMessage message={log.error.message} />
      ) : !log.data || log.data.lines.length === 0 ? (
        <p className="text-sm text-slate-500">Nothing logged yet.</p>
      ) : (
        <pre ref={box} className="max-h-80 overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100" data-testid="run-log">
          {log.data.truncated && "…\n"}
          {log.data.lines.join("\n")}
        </pre>
      )}
    </Section>
  );
}

function Pinned({ run }: { run: TrainingRunView }) {
  const blocks: [string, unknown][] = [
    ["Task", run.pinned.task],
    ["Prepare options", run.pinned.options],
    ["Config", run.pinned.config],
  ];
  return (
    <Section id="pinned" title="What this job trains">
      <div className="grid gap-3 md:grid-cols-3" data-testid="run-pinned">
        {blocks.map(([title, value]) => (
          <div key={title}>
            <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">{title}</h3>
            <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-3 text-xs">{JSON.stringify(value, null, 2)}</pre>
          </div>
        ))}
      </div>
    </Section>
  );
}
