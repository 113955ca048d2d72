"use client";
/**
 * Lines over a step axis, drawn with uPlot (canvas): the job page's loss chart and Compare's chart.
 * A series goes on the left axis, or on the right one (`scale: "right"`, the learning rate). The
 * chart is made once and fed new data in place, so a poll that adds points does not rebuild it.
 * `data-points` counts the points drawn (for tests: a canvas has no DOM to count).
 */
import { useEffect, useRef } from "react";
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  scale?: "left" | "right";
  dash?: number[];
}

export function LineChart({ steps, series, leftLabel, rightLabel, height = 260, testId }: { steps: number[]; series: ChartSeries[]; leftLabel: string; rightLabel?: string; height?: number; testId?: string }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => `${s.label}:${s.scale ?? "left"}`).join("|");
  const data = [steps, ...series.map((s) => s.values)] as uPlot.AlignedData;
  const latest = useRef(data);
  latest.current = data;

  // (Re)made when the set of series changes; uPlot is loaded in the browser only.
  useEffect(() => {
    let cancelled = false;
    let observer: ResizeObserver | undefined;
    void import("uplot").then(({ default: UPlot }) => {
      if (cancelled || !container.current) return;
      const element = container.current;
      const hasRight = series.some((s) => s.scale === "right");
      const options: uPlot.Options = {
        width: element.clientWidth || 600,
        height,
        scales: { x: { time: false } },
        axes: [
          // Steps are whole numbers: no tick between two.
          { label: "step", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000] },
          { label: leftLabel, scale: "left" },
          ...(hasRight ? [{ label: rightLabel, scale: "right", side: 1, grid: { show: false }, values: (_: uPlot, ticks: number[]) => ticks.map((t) => t.toExponential(1)) }] : []),
        ],
        series: [{ label: "step" }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, scale: s.scale ?? "left", dash: s.dash, spanGaps: true, points: { show: true, size: 4 } }))],
        legend: { live: false },
      };
      plot.current = new UPlot(options, latest.current, element);
      observer = new ResizeObserver(() => plot.current?.setSize({ width: element.clientWidth, height }));
      observer.observe(element);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- remade only when the series set changes
  }, [shape, height, leftLabel, rightLabel]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  const points = series.reduce((sum, s) => sum + s.values.filter((v) => v !== null).length, 0);
  return <div ref={container} className="w-full" data-testid={testId} data-points={points} />;
}
