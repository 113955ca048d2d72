/**
 * Shared benchmark plumbing: a dedicated embedded PostgreSQL (bench/.data/home, kept between
 * runs so the 1M-record datasets are imported once), generated data, percentiles and tables.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Database } from "../server/db/client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../server/db/embedded";
import { applyMigrations } from "../server/db/migrate";
import { ensurePrismaClient } from "../server/db/prisma-client";
import { env } from "../server/env";

export const ROOT = path.resolve(__dirname, "..");
export const DATA_DIR = path.join(ROOT, "bench", ".data");

export async function benchDatabase(): Promise<{ db: Database; url: string; embedded: EmbeddedDatabase | null; close(): Promise<void> }> {
  ensurePrismaClient(ROOT);
  // Loaded only now: @prisma/client cached before `prisma generate` stays the uninitialized stub.
  const { connect } = await import("../server/db/client");
  let url = env.DATABASE_URL;
  let embedded: EmbeddedDatabase | null = null;
  if (!url) {
    embedded = await startEmbeddedPostgres(path.join(DATA_DIR, "home"), 55500);
    url = embedded.url;
  }
  await applyMigrations(url, ROOT);
  const db = connect(url); // the server's pool size: the benchmarks measure what the server does
  await quietMachine();
  return { db, url, embedded, close: async () => { await db.close(); await embedded?.stop(); } };
}

/**
 * Waits until the machine is idle: after a start, PostgreSQL loads back the blocks its last run had
 * cached (autoprewarm) and may vacuum what a previous benchmark wrote, for seconds to minutes. The
 * benchmarks measure a running server on a quiet machine, not those. Gives up after 3 minutes.
 */
async function quietMachine(): Promise<void> {
  const cpuTimes = () => {
    const fields = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return { total: fields.reduce((a, b) => a + b, 0), idle: fields[3] + (fields[4] ?? 0) };
  };
  if (!fs.existsSync("/proc/stat")) return;
  const deadline = performance.now() + 180_000;
  let quietSamples = 0;
  while (quietSamples < 3 && performance.now() < deadline) {
    const before = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = cpuTimes();
    const busy = 1 - (after.idle - before.idle) / Math.max(1, after.total - before.total);
    quietSamples = busy < 0.1 ? quietSamples + 1 : 0;
  }
}

/**
 * A fixed CPU workload's time (ms): these shared machines run 1.5–1.8× slower at some hours than
 * at others, so each benchmark table says which it ran on.
 */
export function cpuProbeMs(): number {
  const started = performance.now();
  const strings: string[] = [];
  for (let i = 0; i < 3e6; i++) {
    strings.push(JSON.stringify({ a: i, b: `x${i}` }));
    if (strings.length > 1000) strings.length = 0;
  }
  return Math.round(performance.now() - started);
}

/** Generates (once) a synthetic export with the project's own generator; returns its folder. */
export function generatedExport(kind: "classification" | "dolly", records: number, format: "jsonl" | "parquet"): string {
  const out = path.join(DATA_DIR, `${kind}-${records}-${format}`);
  if (fs.existsSync(path.join(out, "argilla.yaml"))) return out;
  console.error(`generating ${path.basename(out)}…`);
  execFileSync(process.execPath, [require.resolve("tsx/cli"), path.join(ROOT, "bench", "generate-dataset.ts"), "--kind", kind, "--records", String(records), "--format", format, "--out", out, "--quiet"], { stdio: "inherit" });
  return out;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function latencyStats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

/** Runs `task` from `clients` concurrent loops until `total` calls are done; returns per-call ms. */
export async function concurrently(clients: number, total: number, task: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const i = next++;
        const started = performance.now();
        await task(i);
        times.push(performance.now() - started);
      }
    }),
  );
  return times;
}

export function printTable(title: string, headers: string[], rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map((c) => (typeof c === "number" ? (Number.isInteger(c) ? c.toLocaleString("en") : c.toFixed(1)) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(`\n${title}\n${line(headers)}\n|${widths.map((w) => "-".repeat(w + 2)).join("|")}|\n${cells.map(line).join("\n")}`);
}

export function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
