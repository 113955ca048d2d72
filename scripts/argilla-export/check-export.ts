/**
 * Reads an export folder back and checks it against the 1.14+ layout: argilla.yaml (keys, sorted
 * block YAML as safe_dump writes it) and every row of data/train.jsonl, or the first and last rows
 * of data/train.parquet (read with hyparquet): column order, response list shapes per question
 * type, suggestion metadata, Python-formatted metadata JSON. Prints a summary; exits 1 on errors.
 *
 *   npx tsx scripts/argilla-export/check-export.ts DIR [DIR ...] [--rows N]
 */
import fs from "node:fs";
import path from "node:path";
import { load as loadYaml } from "js-yaml";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { exportColumns, optionValues, type DatasetConfig, type QuestionConfig } from "./export-format";
import { PyFloat, pyJsonDumps } from "./pyjson";
import { safeDump, type YamlValue } from "./yaml";

export interface CheckSummary {
  dir: string;
  format: "jsonl" | "parquet";
  rows: number;
  checkedRows: number;
  responses: number;
  byStatus: Record<string, number>;
  noResponses: number;
  suggestions: number;
  /** records whose submitted votes on the first label/rating/ranking question tie */
  ties: number;
  annotators: number;
  errors: string[];
}

const TOP_KEYS = ["allow_extra_metadata", "fields", "guidelines", "metadata_properties", "questions", "vectors_settings"];
const QUESTION_KEYS: Record<string, string[]> = {
  text: ["description", "name", "required", "title", "type", "use_markdown"],
  label_selection: ["description", "labels", "name", "required", "title", "type", "visible_labels"],
  multi_label_selection: ["description", "labels", "labels_order", "name", "required", "title", "type", "visible_labels"],
  rating: ["description", "name", "required", "title", "type", "values"],
  ranking: ["description", "name", "required", "title", "type", "values"],
};

export function loadConfig(dir: string, errors: string[]): DatasetConfig {
  const text = fs.readFileSync(path.join(dir, "argilla.yaml"), "utf8");
  const config = loadYaml(text) as DatasetConfig;
  const same = (a: string[], b: string[], what: string) => {
    if (a.join(",") !== b.join(",")) errors.push(`argilla.yaml ${what}: keys ${a.join(",")} != ${b.join(",")}`);
  };
  same(Object.keys(config), TOP_KEYS, "top level");
  for (const f of config.fields) same(Object.keys(f), ["name", "required", "title", "type", "use_markdown"], `field ${f.name}`);
  for (const q of config.questions) same(Object.keys(q), QUESTION_KEYS[q.type] ?? [], `question ${q.name}`);
  // the file must be exactly what safe_dump writes for its content (floats re-marked as floats)
  const redo = structuredClone(config) as unknown as { [k: string]: YamlValue };
  for (const p of (redo.metadata_properties ?? []) as { [k: string]: YamlValue }[]) {
    if (p.type === "float") for (const k of ["min", "max"]) if (typeof p[k] === "number") p[k] = new PyFloat(p[k] as number);
  }
  if (safeDump(redo) !== text) errors.push("argilla.yaml is not in yaml.safe_dump form (key order, quoting or folding)");
  return config;
}

const isStr = (v: unknown) => typeof v === "string";

function checkValue(q: QuestionConfig, v: unknown, parquet: boolean): string | null {
  switch (q.type) {
    case "text":
      return isStr(v) ? null : "text value must be a string";
    case "label_selection":
      return isStr(v) && optionValues(q.labels).includes(v as string) ? null : "unknown label";
    case "multi_label_selection":
      return Array.isArray(v) && v.every((x) => optionValues(q.labels).includes(x)) ? null : "multi-label value must be a list of labels";
    case "rating":
      return Number.isInteger(v) && q.values.includes(v as number) ? null : "rating value not in values";
    case "ranking": {
      const r = v as { rank: unknown; value: unknown };
      if (!r || typeof r !== "object" || Object.keys(r).join(",") !== "rank,value") return "ranking value must be {rank, value}";
      if (!Array.isArray(r.rank) || !Array.isArray(r.value) || r.rank.length !== r.value.length) return "ranking rank/value lists";
      if (!(r.value as unknown[]).every((x) => optionValues(q.values).includes(x as string))) return "ranking value not an option";
      return (r.rank as unknown[]).every((x) => Number.isInteger(x)) ? null : "ranking ranks must be integers";
    }
  }
  void parquet;
  return null;
}

/** Python json.dumps form, allowing floats with an integral value (1.0) that JSON.parse turns into 1. */
function isPythonJson(s: string): boolean {
  if (s === "{}") return true;
  try {
    const v = JSON.parse(s);
    return pyJsonDumps(v) === s.replace(/(\d)\.0(?=[,}\]])/g, "$1");
  } catch {
    return false;
  }
}

function voteKey(q: QuestionConfig, v: unknown): string {
  return q.type === "ranking" ? JSON.stringify((v as { rank: number[] }).rank) : JSON.stringify(v);
}

function checkRow(config: DatasetConfig, row: Record<string, unknown>, where: string, s: CheckSummary, users: Set<string>, parquet: boolean) {
  const err = (m: string) => {
    if (s.errors.length < 50) s.errors.push(`${where}: ${m}`);
  };
  const cols = exportColumns(config);
  if (Object.keys(row).join("\u0000") !== cols.join("\u0000")) err(`columns ${Object.keys(row).join(",")} != ${cols.join(",")}`);
  for (const f of config.fields) {
    const v = row[f.name];
    if (v === null || v === undefined) {
      if (f.required) err(`required field ${f.name} is null`);
    } else if (!isStr(v)) err(`field ${f.name} not a string`);
  }
  let anyResponse = false;
  const tieQuestion = config.questions.find((q) => q.type === "label_selection" || q.type === "rating" || q.type === "ranking");
  for (const q of config.questions) {
    const list = row[q.name];
    if (!Array.isArray(list)) {
      err(`${q.name} must be a list`);
      continue;
    }
    const votes = new Map<string, number>();
    for (const r of list as Record<string, unknown>[]) {
      if (!r || Object.keys(r).join(",") !== "user_id,value,status") {
        err(`${q.name} response keys ${r && Object.keys(r)}`);
        continue;
      }
      if (r.user_id !== null && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(String(r.user_id))) err(`${q.name} user_id ${r.user_id}`);
      if (!["submitted", "draft", "discarded"].includes(r.status as string)) err(`${q.name} status ${r.status}`);
      const e = checkValue(q, r.value, parquet);
      if (e) err(`${q.name}: ${e} (${JSON.stringify(r.value)})`);
      anyResponse = true;
      if (q === config.questions[0]) {
        s.responses++;
        s.byStatus[r.status as string] = (s.byStatus[r.status as string] ?? 0) + 1;
      }
      users.add(String(r.user_id));
      if (q === tieQuestion && r.status === "submitted") {
        const k = voteKey(q, r.value);
        votes.set(k, (votes.get(k) ?? 0) + 1);
      }
    }
    if (q === tieQuestion && votes.size > 1) {
      const counts = [...votes.values()].sort((a, b) => b - a);
      if (counts[0] === counts[1]) s.ties++;
    }
    const sv = row[`${q.name}-suggestion`];
    const meta = row[`${q.name}-suggestion-metadata`] as Record<string, unknown> | null;
    if (!meta || Object.keys(meta).join(",") !== "type,score,agent") err(`${q.name}-suggestion-metadata keys`);
    else if (sv === null || sv === undefined) {
      if (meta.type !== null || meta.score !== null || meta.agent !== null) err(`${q.name}-suggestion-metadata not null without suggestion`);
    } else {
      s.suggestions++;
      const e = checkValue(q, sv, parquet);
      if (e) err(`${q.name}-suggestion: ${e}`);
      if (![null, "model", "human"].includes(meta.type as string | null)) err(`${q.name} suggestion type ${meta.type}`);
      const listScore = q.type === "multi_label_selection" || q.type === "ranking";
      if (meta.score !== null && (listScore ? !Array.isArray(meta.score) : typeof meta.score !== "number")) err(`${q.name} suggestion score shape`);
      if (meta.agent !== null && !isStr(meta.agent)) err(`${q.name} suggestion agent`);
    }
  }
  if (!anyResponse) s.noResponses++;
  if (row.external_id !== null && !isStr(row.external_id)) err("external_id");
  if (!isStr(row.metadata) || !isPythonJson(row.metadata as string)) err(`metadata not a Python json.dumps string: ${row.metadata}`);
}

function undefinedToNull(v: unknown): unknown {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(undefinedToNull);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, undefinedToNull(x)]));
  return v;
}

export async function checkExport(dir: string, maxParquetRows = 2000): Promise<CheckSummary> {
  const errors: string[] = [];
  const config = loadConfig(dir, errors);
  const dataDir = path.join(dir, "data");
  const jsonl = path.join(dataDir, "train.jsonl");
  const parquet = path.join(dataDir, "train.parquet");
  const format = fs.existsSync(jsonl) ? "jsonl" : "parquet";
  const s: CheckSummary = { dir, format, rows: 0, checkedRows: 0, responses: 0, byStatus: {}, noResponses: 0, suggestions: 0, ties: 0, annotators: 0, errors };
  const users = new Set<string>();
  if (format === "jsonl") {
    const fd = fs.openSync(jsonl, "r");
    const buf = Buffer.alloc(1 << 22);
    let rest = "";
    let n;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
      const lines = (rest + buf.toString("utf8", 0, n)).split("\n");
      rest = lines.pop()!;
      for (const line of lines) {
        checkRow(config, JSON.parse(line), `line ${s.rows + 1}`, s, users, false);
        s.rows++;
      }
    }
    fs.closeSync(fd);
    if (rest) errors.push("last line has no newline");
    s.checkedRows = s.rows;
  } else {
    const file = await asyncBufferFromFile(parquet);
    const meta = await parquetMetadataAsync(file);
    s.rows = Number(meta.num_rows);
    const half = Math.floor(maxParquetRows / 2);
    const ranges = s.rows <= maxParquetRows ? [[0, s.rows]] : [[0, half], [s.rows - half, s.rows]];
    for (const [start, end] of ranges) {
      const rows = (await parquetReadObjects({ file, metadata: meta, rowStart: start, rowEnd: end })) as Record<string, unknown>[];
      // hyparquet returns undefined (not null) for null lists; Argilla/datasets read them as None
      rows.forEach((row, i) => checkRow(config, undefinedToNull(row) as Record<string, unknown>, `row ${start + i}`, s, users, true));
      s.checkedRows += rows.length;
    }
  }
  s.annotators = users.size;
  return s;
}

async function main() {
  const args = process.argv.slice(2);
  let rows = 2000;
  const dirs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--rows") rows = Number(args[++i]);
    else if (fs.statSync(args[i]).isDirectory()) dirs.push(args[i]);
  }
  if (!dirs.length) {
    console.error("usage: npx tsx scripts/argilla-export/check-export.ts DIR [DIR ...] [--rows N]");
    process.exit(2);
  }
  let failed = false;
  for (const dir of dirs) {
    const s = await checkExport(dir, rows);
    const statuses = Object.entries(s.byStatus).map(([k, v]) => `${k}=${v}`).join(" ");
    console.log(`${path.basename(dir)} (${s.format}): rows=${s.rows} checked=${s.checkedRows} annotators=${s.annotators} responses=${s.responses} [${statuses}] no_responses=${s.noResponses} suggestions=${s.suggestions} ties=${s.ties} errors=${s.errors.length}`);
    for (const e of s.errors.slice(0, 10)) console.log(`  ${e}`);
    if (s.errors.length) failed = true;
  }
  process.exit(failed ? 1 : 0);
}

// run as a script (tsx runs .ts files as CommonJS); importing the module does not run main()
if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
