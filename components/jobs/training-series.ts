/**
 * Pure helpers of the training pages: a run's events → the loss chart's series, its progress and
 * ETA, its headline metric; several runs' metric → one series per run. No React, no server imports.
 */

/** The stored events as the page receives them (trainingRuns.get's `events`), only the fields used here. */
export type RunEvent =
  | { event: "started"; time: string }
  | { event: "progress"; time: string; step: number; max_steps: number; epoch: number | null; rss_mb?: number; gpu_mb?: number }
  | { event: "metrics"; time: string; step: number; split: "train" | "eval"; values: Record<string, number> }
  | { event: string; time: string };

export interface LossSeries {
  steps: number[];
  /** null where a step has no value of that kind (a train log without eval, say). */
  trainLoss: (number | null)[];
  evalLoss: (number | null)[];
  learningRate: (number | null)[];
}

type MetricsEvent = Extract<RunEvent, { event: "metrics" }>;
type ProgressEvent = Extract<RunEvent, { event: "progress" }>;

function isMetrics(event: RunEvent): event is MetricsEvent {
  return event.event === "metrics" && "values" in event;
}

function isProgress(event: RunEvent): event is ProgressEvent {
  return event.event === "progress" && "step" in event;
}

/**
 * Train loss, eval loss and learning rate by step, steps ascending. A resumed run logs steps it had
 * logged before its stop again: the later value wins, as it is what the run continued from.
 */
export function lossSeries(events: readonly RunEvent[]): LossSeries {
  const byStep = new Map<number, { trainLoss: number | null; evalLoss: number | null; learningRate: number | null }>();
  for (const event of events) {
    if (!isMetrics(event)) continue;
    const row = byStep.get(event.step) ?? { trainLoss: null, evalLoss: null, learningRate: null };
    if (event.split === "train") {
      if (event.values.loss !== undefined) row.trainLoss = event.values.loss;
      if (event.values.learning_rate !== undefined) row.learningRate = event.values.learning_rate;
    } else if (event.values.loss !== undefined) {
      row.evalLoss = event.values.loss;
    }
    if (row.trainLoss !== null || row.evalLoss !== null || row.learningRate !== null) byStep.set(event.step, row);
  }
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  return {
    steps,
    trainLoss: steps.map((step) => byStep.get(step)!.trainLoss),
    evalLoss: steps.map((step) => byStep.get(step)!.evalLoss),
    learningRate: steps.map((step) => byStep.get(step)!.learningRate),
  };
}

/** The metric names a run's events hold, as `split/name` ("train/loss", "eval/accuracy"), sorted. */
export function metricNames(events: readonly RunEvent[]): string[] {
  const names = new Set<string>();
  for (const event of events) if (isMetrics(event)) for (const name of Object.keys(event.values)) names.add(`${event.split}/${name}`);
  return [...names].sort();
}

/** One run's values of `split/name` by step (the later value of a repeated step wins). */
export function metricSeries(events: readonly RunEvent[], metric: string): { steps: number[]; values: number[] } {
  const slash = metric.indexOf("/");
  const split = metric.slice(0, slash);
  const name = metric.slice(slash + 1);
  const byStep = new Map<number, number>();
  for (const event of events) if (isMetrics(event) && event.split === split && event.values[name] !== undefined) byStep.set(event.step, event.values[name]!);
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  return { steps, values: steps.map((step) => byStep.get(step)!) };
}

/**
 * Several runs' series on one step axis (what a chart with one line per run takes): the union of
 * their steps, each run null where it logged nothing at that step.
 */
export function alignSeries(runs: readonly { steps: number[]; values: number[] }[]): { steps: number[]; values: (number | null)[][] } {
  const steps = [...new Set(runs.flatMap((run) => run.steps))].sort((a, b) => a - b);
  const index = new Map(steps.map((step, i) => [step, i]));
  const values = runs.map((run) => {
    const row: (number | null)[] = steps.map(() => null);
    run.steps.forEach((step, i) => (row[index.get(step)!] = run.values[i]!));
    return row;
  });
  return { steps, values };
}

export interface RunProgress {
  step: number;
  maxSteps: number;
  epoch: number | null;
  rssMb: number | null;
  gpuMb: number | null;
  /** Seconds to the last step at the current attempt's pace; null until two progress events of it. */
  etaSeconds: number | null;
  /** When the latest progress event was stamped by the runner (ISO). */
  time: string;
}

/** Steps per second are measured over at most this many seconds back from the latest progress. */
const ETA_WINDOW_SECONDS = 120;

/**
 * The latest progress with an ETA from the progress events' own times: the pace over the last two
 * minutes of the current attempt (after its last `started`), so a resumed run's pause and its
 * model loading do not count. Null when no progress event came yet.
 */
export function runProgress(events: readonly RunEvent[]): RunProgress | null {
  let attemptStart = 0;
  events.forEach((event, i) => event.event === "started" && (attemptStart = i + 1));
  const progress = events.slice(attemptStart).filter(isProgress);
  const last = progress.at(-1) ?? events.filter(isProgress).at(-1);
  if (!last) return null;
  const memory = [...events].reverse().find((event): event is ProgressEvent => isProgress(event) && (event.rss_mb !== undefined || event.gpu_mb !== undefined));
  return {
    step: last.step,
    maxSteps: last.max_steps,
    epoch: last.epoch,
    rssMb: memory?.rss_mb ?? null,
    gpuMb: memory?.gpu_mb ?? null,
    etaSeconds: etaSeconds(progress),
    time: last.time,
  };
}

function etaSeconds(progress: readonly ProgressEvent[]): number | null {
  const last = progress.at(-1);
  if (!last || progress.length < 2) return null;
  if (last.step >= last.max_steps) return 0;
  const lastTime = Date.parse(last.time);
  const first = progress.find((event) => lastTime - Date.parse(event.time) <= ETA_WINDOW_SECONDS * 1000)!;
  const steps = last.step - first.step;
  const seconds = (lastTime - Date.parse(first.time)) / 1000;
  if (steps <= 0 || seconds <= 0) {
    // The window holds one event: take the two latest instead.
    const before = progress.at(-2)!;
    const s = last.step - before.step;
    const t = (lastTime - Date.parse(before.time)) / 1000;
    return s > 0 && t > 0 ? ((last.max_steps - last.step) * t) / s : null;
  }
  return ((last.max_steps - last.step) * seconds) / steps;
}

/**
 * The one figure a list row shows of a run's test metrics: the first of these that it has, where
 * higher is better except for losses.
 */
const HEADLINE_METRICS = ["accuracy", "f1_macro", "f1", "f1_micro", "exact_match", "spearman", "pearson", "reward_accuracy", "rewards/accuracies", "eval_loss", "loss"];

export function headlineMetric(metrics: Record<string, number> | null | undefined): { name: string; value: number } | null {
  if (!metrics) return null;
  const name = HEADLINE_METRICS.find((candidate) => typeof metrics[candidate] === "number") ?? Object.keys(metrics).sort()[0];
  return name === undefined ? null : { name, value: metrics[name]! };
}
