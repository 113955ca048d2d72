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

function fraction(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${flag} must be a number, got "${value}"`);
  return n;
}

export const commands = {
  prepare: {
    usage:
      "studio prepare --dataset NAME --task task.json --framework F [--train-size X] [--test-size X] [--seed N] [--max-records N] [--filter-by submitted,draft,discarded,pending] [--sort-by index|METADATA] [--format jsonl|parquet] --out DIR [--json]",
    async run(args: string[], ctx: CliContext) {
      const { values } = parseArgs({
        args,
        options: {
          dataset: { type: "string" },
          task: { type: "string" },
          framework: { type: "string" },
          "train-size": { type: "string" },
          "test-size": { type: "string" },
          seed: { type: "string" },
          "max-records": { type: "string" },
          "filter-by": { type: "string" },
          "sort-by": { type: "string" },
          format: { type: "string", default: "jsonl" },
          "cross-encoder": { type: "boolean" },
          out: { type: "string" },
          json: { type: "boolean" },
        },
      });
      for (const required of ["dataset", "task", "framework", "out"] as const) {
        if (!values[required]) throw new Error(`--${required} is required\nusage: ${this.usage}`);
      }
      if (values.format !== "jsonl" && values.format !== "parquet") throw new Error(`--format must be jsonl or parquet`);
      const { parseTrainingTask, FRAMEWORKS } = await import("../server/training");
      if (!(FRAMEWORKS as readonly string[]).includes(values.framework!)) throw new Error(`--framework must be one of ${FRAMEWORKS.join(", ")}`);
      const task = parseTrainingTask(readTaskFile(values.task!));
      const { openDatabase } = await import("../server/db/client");
      const { prepareDataset, writePrepared, preparedSummary } = await import("../server/services/prepare-dataset");
      const db = await openDatabase();
      try {
        const { prepared } = await prepareDataset(db, values.dataset!, {
          task,
          framework: values.framework as never,
          trainSize: fraction(values["train-size"], "--train-size"),
          testSize: fraction(values["test-size"], "--test-size"),
          seed: values.seed === undefined ? undefined : Number(values.seed),
          maxRecords: values["max-records"] === undefined ? undefined : Number(values["max-records"]),
          filterBy: values["filter-by"] ? { responseStatus: values["filter-by"].split(",").map((s) => s.trim()) as never } : undefined,
          sortBy: values["sort-by"] ? { by: values["sort-by"].replace(/^metadata\./, ""), order: "asc" } : undefined,
          frameworkOptions: values["cross-encoder"] ? { crossEncoder: true } : undefined,
        });
        const files = await writePrepared(path.resolve(values.out!), prepared, values.format);
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
