/**
 * Writes a synthetic Argilla 1.x FeedbackDataset export (argilla.yaml + data/train.jsonl or
 * data/train.parquet) of any size for benchmarks, streaming records so memory stays constant.
 *
 *   npx tsx bench/generate-dataset.ts --kind classification|dolly --records N \
 *     --format jsonl|parquet --out DIR [--seed S] [--annotators 3] [--row-group 50000]
 *
 * Kinds (bench/synthetic.ts):
 * - classification: field `text`; label_selection `label` over 6 topics; metadata `source` (terms)
 *   and `length` (integer); ~30% of records carry a model suggestion.
 * - dolly: fields `instruction`, `context` (optional, often null), `response`; text question
 *   `corrected-response` and rating `quality` (1-5); metadata `category`, `length`.
 * Each annotated record gets --annotators responses (default 3) drawn from a pool of annotators + 2
 * users, mostly submitted with some drafts and discarded; ~3-4% of records have no responses.
 * The same --seed gives the same records in both formats (Parquet written in row groups of
 * --row-group rows; memory stays bounded by one row group).
 *
 * Prints one summary line: kind, format, records, bytes, seconds, peak RSS.
 */
import path from "node:path";
import { writeExport, type ExportFormat } from "../scripts/argilla-export/export-writer";
import { SYNTHETIC_KINDS, type SyntheticKind } from "./synthetic";

const USAGE =
  "usage: npx tsx bench/generate-dataset.ts --kind classification|dolly --records N --format jsonl|parquet --out DIR [--seed S] [--annotators 3] [--row-group 50000] [--quiet]";

function fail(msg: string): never {
  console.error(`error: ${msg}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const opts: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") {
      console.log(USAGE);
      process.exit(0);
    }
    if (a === "--quiet") {
      flags.add("quiet");
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) fail(`unexpected argument ${a}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) fail(`--${m[1]} needs a value`);
    opts[m[1]] = value;
  }
  const known = ["kind", "records", "format", "out", "seed", "annotators", "row-group"];
  for (const k of Object.keys(opts)) if (!known.includes(k)) fail(`unknown option --${k}`);
  const kind = opts.kind as SyntheticKind;
  if (!(kind in SYNTHETIC_KINDS)) fail(`--kind must be one of ${Object.keys(SYNTHETIC_KINDS).join(", ")}`);
  const records = Number((opts.records ?? "").replace(/_/g, ""));
  if (!Number.isInteger(records) || records < 0) fail("--records must be a non-negative integer");
  const format = opts.format as ExportFormat;
  if (format !== "jsonl" && format !== "parquet") fail("--format must be jsonl or parquet");
  if (!opts.out) fail("--out is required");
  const annotators = Number(opts.annotators ?? 3);
  if (!Number.isInteger(annotators) || annotators < 1 || annotators > 20) fail("--annotators must be an integer from 1 to 20");
  const rowGroup = Number(opts["row-group"] ?? 50_000);
  if (!Number.isInteger(rowGroup) || rowGroup < 1) fail("--row-group must be a positive integer");
  return { kind, records, format, out: path.resolve(opts.out), seed: opts.seed ?? "0", annotators, rowGroup, quiet: flags.has("quiet") };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const started = performance.now();
  let peakRss = process.memoryUsage.rss();
  const { config, records } = SYNTHETIC_KINDS[o.kind]({ records: o.records, seed: o.seed, annotators: o.annotators });
  const result = await writeExport(o.out, config, records, {
    format: o.format,
    rowGroupSize: o.rowGroup,
    progressEvery: 10_000,
    onProgress: (n) => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      if (!o.quiet && n % 200_000 === 0) process.stderr.write(`  ${n} records, ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
    },
  });
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `generated ${o.kind} ${o.format}: records=${result.records} bytes=${result.bytes} seconds=${seconds.toFixed(2)} ` +
      `peak_rss_mb=${Math.round(peakRss / 2 ** 20)} out=${o.out}`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
