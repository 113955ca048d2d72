/**
 * Test-only helpers for the import reader tests: temp folders, a small dataset definition
 * covering every question type, and a minimal zip writer (so tests build their own inputs).
 */
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { dump as dumpYaml } from "js-yaml";
import { datasetSettingsSchema, type DatasetSettings } from "./schema";

const tempDirs: string[] = [];

export async function makeTempDir(prefix = "feedback-test-"): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Write files (relative path → content) under `root`, creating folders. */
export async function writeFiles(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(root, name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** Raw settings as they appear in argilla.yaml: every question type, labels as list and dict. */
export const ALL_TYPES_SETTINGS_RAW = {
  allow_extra_metadata: true,
  fields: [
    { name: "text", required: true, title: "Text", type: "text", use_markdown: false },
    { name: "context", required: false, title: "Context", type: "text", use_markdown: false },
  ],
  guidelines: "Label everything.",
  metadata_properties: null,
  questions: [
    { description: null, labels: ["joy", "sadness", "anger"], name: "label", required: true, title: "Emotion", type: "label_selection", visible_labels: null },
    { description: null, labels: { pos: "Positive", neg: "Negative" }, name: "sentiment", required: false, title: "Sentiment", type: "label_selection", visible_labels: null },
    { description: null, labels: ["python", "sql", "css"], labels_order: "natural", name: "tags", required: false, title: "Tags", type: "multi_label_selection", visible_labels: null },
    { description: null, name: "quality", required: false, title: "Quality", type: "rating", values: [1, 2, 3, 4, 5] },
    { description: null, name: "preference", required: false, title: "Preference", type: "ranking", values: ["a", "b", "c"] },
    { description: null, name: "answer", required: false, title: "Answer", type: "text", use_markdown: false },
    {
      allow_overlapping: false,
      description: null,
      field: "text",
      labels: [
        { description: null, text: "Person", value: "PER" },
        { description: null, text: "Organisation", value: "ORG" },
      ],
      name: "entities",
      required: false,
      title: "Entities",
      type: "span",
      visible_labels: null,
    },
  ],
  vectors_settings: null,
};

export const ALL_TYPES_SETTINGS: DatasetSettings = datasetSettingsSchema.parse(ALL_TYPES_SETTINGS_RAW);

export const QUESTION_NAMES = ALL_TYPES_SETTINGS.questions.map((q) => q.name);

/** The settings as argilla.yaml text (keys sorted, like PyYAML's safe_dump). */
export function settingsYaml(raw: object = ALL_TYPES_SETTINGS_RAW): string {
  return dumpYaml(raw, { sortKeys: true });
}

/**
 * A 1.14+ export row: each field, per question `<q>` (list of responses), `<q>-suggestion`,
 * `<q>-suggestion-metadata`, then external_id and metadata. Unanswered questions get `[]`.
 */
export function exportRow(overrides: Record<string, unknown> = {}, settings: DatasetSettings = ALL_TYPES_SETTINGS): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const field of settings.fields) row[field.name] = field.required ? `some ${field.name}` : null;
  for (const question of settings.questions) {
    row[question.name] = [];
    row[`${question.name}-suggestion`] = null;
    row[`${question.name}-suggestion-metadata`] = { type: null, score: null, agent: null };
  }
  row.external_id = null;
  row.metadata = "{}";
  return { ...row, ...overrides };
}

/** The same row in the 1.13 layout: question columns null when nobody answered. */
export function legacyExportRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const row = exportRow();
  for (const name of QUESTION_NAMES) row[name] = null;
  return { ...row, ...overrides };
}

/** A zip entry; `deflate` compresses it like most zip tools do. */
export interface ZipEntry {
  name: string;
  data: string | Uint8Array;
  deflate?: boolean;
}

/** Minimal zip writer (local headers + central directory), enough for yauzl to read. */
export function buildZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const raw = typeof entry.data === "string" ? Buffer.from(entry.data, "utf8") : Buffer.from(entry.data);
    const stored = entry.deflate ? zlib.deflateRawSync(raw) : raw;
    const method = entry.deflate ? 8 : 0;
    const crc = zlib.crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // flags: UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, stored);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + stored.length;
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** Captures the ImportError message a function throws (sync or async). */
export async function errorMessageOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error, but none was thrown");
}
