import { describe, expect, it } from "vitest";
import { diffJson } from "./json-diff";
import { alignSeries, headlineMetric, lossSeries, metricNames, metricSeries, runProgress, type RunEvent } from "./training-series";

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 7, 9, 0, 0) + seconds * 1000).toISOString();
const progress = (seconds: number, step: number, extra: object = {}): RunEvent => ({ event: "progress", time: at(seconds), step, max_steps: 100, epoch: step / 50, ...extra });
const metrics = (step: number, split: "train" | "eval", values: Record<string, number>): RunEvent => ({ event: "metrics", time: at(step), step, split, values });

describe("lossSeries", () => {
  it("puts train loss, eval loss and learning rate on one step axis, null where a step lacks one", () => {
    const series = lossSeries([
      metrics(20, "train", { loss: 0.5, learning_rate: 1e-4, grad_norm: 2 }),
      metrics(10, "train", { loss: 0.7, learning_rate: 2e-4 }),
      metrics(20, "eval", { loss: 0.6, accuracy: 0.8 }),
      metrics(30, "eval", { accuracy: 0.9 }),
    ]);
    expect(series).toEqual({ steps: [10, 20], trainLoss: [0.7, 0.5], evalLoss: [null, 0.6], learningRate: [2e-4, 1e-4] });
  });

  it("keeps the later value of a step a resumed run logged again", () => {
    expect(lossSeries([metrics(10, "train", { loss: 0.7 }), { event: "started", time: at(50) }, metrics(10, "train", { loss: 0.65 })]).trainLoss).toEqual([0.65]);
  });
});

describe("runProgress", () => {
  it("is null before any progress", () => {
    expect(runProgress([{ event: "started", time: at(0) }])).toBeNull();
  });

  it("estimates the time left from the progress events' own times", () => {
    // 10 steps in 5 s: 2 steps a second, 60 steps left → 30 s.
    const result = runProgress([{ event: "started", time: at(0) }, progress(10, 30), progress(12, 34), progress(15, 40, { rss_mb: 812.5 })]);
    expect(result).toMatchObject({ step: 40, maxSteps: 100, epoch: 0.8, rssMb: 812.5, gpuMb: null, etaSeconds: 30, time: at(15) });
  });

  it("measures only the current attempt: a resumed run's pause does not count", () => {
    const events = [progress(0, 10), progress(1, 20), { event: "started", time: at(600) }, progress(610, 20), progress(620, 40)];
    // 20 steps in 10 s after the restart → 60 left at 2/s.
    expect(runProgress(events)!.etaSeconds).toBe(30);
  });

  it("uses the last two minutes only", () => {
    // 0.1 step/s at first, then 30 steps in the last 60 s: 50 left at 0.5/s → 100 s (not 260 s).
    expect(runProgress([progress(0, 0), progress(100, 10), progress(200, 20), progress(260, 50)])!.etaSeconds).toBe(100);
  });

  it("is 0 at the last step and null with a single progress event", () => {
    expect(runProgress([progress(0, 0), progress(5, 100)])!.etaSeconds).toBe(0);
    expect(runProgress([progress(5, 50)])!.etaSeconds).toBeNull();
  });
});

describe("metric series for Compare", () => {
  const events = [metrics(10, "train", { loss: 0.7 }), metrics(20, "train", { loss: 0.5 }), metrics(20, "eval", { accuracy: 0.8 })];

  it("names every split/metric and picks one by name", () => {
    expect(metricNames(events)).toEqual(["eval/accuracy", "train/loss"]);
    expect(metricSeries(events, "train/loss")).toEqual({ steps: [10, 20], values: [0.7, 0.5] });
  });

  it("aligns runs on the union of their steps", () => {
    expect(alignSeries([{ steps: [10, 20], values: [1, 2] }, { steps: [5, 20], values: [3, 4] }])).toEqual({ steps: [5, 10, 20], values: [[null, 1, 2], [3, null, 4]] });
  });
});

describe("headlineMetric", () => {
  it("prefers accuracy, then the first metric by name", () => {
    expect(headlineMetric({ f1_macro: 0.7, accuracy: 0.8 })).toEqual({ name: "accuracy", value: 0.8 });
    expect(headlineMetric({ zeta: 1, alpha: 2 })).toEqual({ name: "alpha", value: 2 });
    expect(headlineMetric({})).toBeNull();
    expect(headlineMetric(null)).toBeNull();
  });
});

describe("diffJson", () => {
  it("flattens the documents and marks the paths where they differ", () => {
    const rows = diffJson([
      { task: "text_classification", template: { text: "{a}" }, texts: ["x", "y"], extra: {} },
      { task: "text_classification", template: { text: "{b}" }, texts: ["x"] },
    ]);
    expect(rows).toEqual([
      { path: "task", values: ['"text_classification"', '"text_classification"'], same: true },
      { path: "template.text", values: ['"{a}"', '"{b}"'], same: false },
      { path: "texts[0]", values: ['"x"', '"x"'], same: true },
      { path: "texts[1]", values: ['"y"', undefined], same: false },
      { path: "extra", values: ["{}", undefined], same: false },
    ]);
  });
});
