/**
 * `studio prepare`: the rows a framework trains on, written to a folder — exactly what the
 * preview shows. The task is Argilla-style JSON (see the README); `formatting_func` may be a path
 * to a .js/.ts file, read here and embedded.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { CliContext } from "./context";

/** Reads task.json; a `formatting_func` given as a file path becomes {language, source}. */
export function readTaskFile(taskPath: string): unknown {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(taskPath, "utf8"));
  } catch (error) {
    throw new Error(`${taskPath}: ${(error as Error).message}`);
  }
  if (typeof raw.formatting_func === "string") {
    const funcPath = path.resolve(path.dirname(taskPath), raw.formatting_func);
    if (!fs.existsSync(funcPath)) throw new Error(`${taskPath}: formatting_func file not found: ${funcPath}`);
    raw.formatting_func = { language: /\.(c|m)?tsx?$/.test(funcPath) ? "typescript" : "javascript", source: fs.readFileSync(funcPath, "utf8") };
  }
  return raw;
}

/** The flag of each prepare option, to name it in an error. */
export const OPTION_FLAGS: Record<string, string> = {
  framework: "--framework",
  trainSize: "--train-size",
  testSize: "--test-size",
  seed: "--seed",
  maxRecords: "--max-records",
  filterBy: "--filter-by",
  sortBy: "--sort-by",
  crossEncoder: "--cross-encoder",
  format: "--format",
};

/** The flags of the prepare options `studio prepare`, `train` and `finetune` share (for parseArgs). */
export const PREPARE_FLAGS = {
  "train-size": { type: "string" },
  "test-size": { type: "string" },
  seed: { type: "string" },
  "max-records": { type: "string" },
  "filter-by": { type: "string" },
  "sort-by": { type: "string" },
} as const;

/** A number flag as the schema's number (NaN, which the schema refuses, when it is no number). */
function number(value: string | undefined): number | undefined {
  return value === undefined ? undefined : value.trim() === "" ? Number.NaN : Number(value);
}

/** The prepare options `studio prepare` and `studio train` share, from their parsed flags (unchecked). */
export function prepareOptionsFromFlags(values: Record<string, string | boolean | undefined>) {
  const text = (name: string) => values[name] as string | undefined;
  return {
    trainSize: number(text("train-size")),
    testSize: number(text("test-size")),
    seed: number(text("seed")),
    maxRecords: number(text("max-records")),
    filterBy: text("filter-by") === undefined ? undefined : { responseStatus: text("filter-by")!.split(",").map((s) => s.trim()) },
    sortBy: text("sort-by"),
    crossEncoder: values["cross-encoder"] as boolean | undefined,
  };
}

export const commands = {
  prepare: {
    usage:
      "studio prepare --dataset NAME --task task.json --framework F [--train-size X] [--test-size X] [--seed N] [--max-records N] [--filter-by submitted,draft,discarded,pending] [--sort-by index|METADATA] [--format jsonl|parquet] [--cross-encoder] --out DIR [--json]",
    async run(args: string[], ctx: CliContext) {
      const { values } = parseArgs({
        args,
        options: {
          dataset: { type: "string" },
          task: { type: "string" },
          framework: { type: "string" },
          ...PREPARE_FLAGS,
          format: { type: "string" },
          "cross-encoder": { type: "boolean" },
          out: { type: "string" },
          json: { type: "boolean" },
        },
      });
      for (const required of ["dataset", "task", "framework", "out"] as const) {
        if (!values[required]) throw new Error(`--${required} is required\nusage: ${this.usage}`);
      }
      const { prepareOptions, prepareOptionsSchema } = await import("../server/services/prepare-options");
      const parsed = prepareOptionsSchema.safeParse({
        framework: values.framework,
        ...prepareOptionsFromFlags(values),
        format: values.format,
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const flag = OPTION_FLAGS[String(issue.path[0])] ?? String(issue.path[0]);
        const given = values[flag.slice(2) as keyof typeof values];
        throw new Error(`${flag}${given === undefined || typeof given === "boolean" ? "" : ` "${given}"`}: ${issue.message}\nusage: ${this.usage}`);
      }
      const { parseTrainingTask } = await import("../server/training");
      const task = parseTrainingTask(readTaskFile(values.task!));
      const { openDatabase } = await import("../server/db/client");
      const { getDataset } = await import("../server/db/datasets");
      const { prepareDataset, WHOLE_DATASET_SANDBOX } = await import("../server/services/prepare");
      const { writePrepared, preparedSummary } = await import("../server/services/rows-out");
      const db = await openDatabase();
      try {
        const dataset = await getDataset(db.pool, values.dataset!);
        const { prepared } = await prepareDataset(db, dataset, { ...prepareOptions(parsed.data, task), sandbox: WHOLE_DATASET_SANDBOX });
        const files = await writePrepared(path.resolve(values.out!), prepared, parsed.data.format);
        const summary = preparedSummary(prepared);
        if (!ctx.json) {
          ctx.out(`train: ${summary.train} rows → ${files.train}`);
          if (files.test) ctx.out(`test: ${summary.test} rows → ${files.test}`);
          for (const [reason, n] of Object.entries(summary.dropped)) ctx.out(`dropped ${n} records: ${reason}`);
          ctx.out(`meta: ${files.meta}`);
        }
        return summary;
      } finally {
        await db.close();
      }
    },
  },
};
