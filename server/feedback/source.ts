/**
 * Opens an Argilla FeedbackDataset export — a folder, a .zip of one, or the path of its
 * argilla.yaml — and presents it as settings plus one stream of validated records.
 *
 * Layout handled (what `push_to_huggingface` / a Hub download produces):
 *   argilla.yaml (or legacy argilla.cfg), at the root or exactly one folder down (zips often
 *   wrap a folder); data in data/*.jsonl|parquet (HF shards data/train-00000-of-00002.parquet,
 *   ordered by split then shard) or *.jsonl|parquet beside argilla.yaml.
 */
import { createWriteStream, type Dirent } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { ImportError } from "./errors";
import { countJsonLines, readJsonLinesFile } from "./jsonl";
import { openParquetFile, type ParquetRowSource } from "./parquet";
import { createRowParser } from "./rows";
import type { DatasetSettings, FeedbackRecord } from "./schema";
import { readSettingsFile } from "./settings";

export interface ExportRecord {
  record: FeedbackRecord;
  /** Data file the record came from, relative to the folder holding argilla.yaml. */
  file: string;
  /** 1-based JSONL line. */
  line?: number;
  /** 1-based Parquet row. */
  row?: number;
}

export interface ExportSource {
  settings: DatasetSettings;
  /** The settings file, relative to the opened folder/zip, e.g. `emotion/argilla.yaml`. */
  settingsFile: string;
  /** The folder on disk holding argilla.yaml (inside the temp folder for a zip, until cleanup). */
  exportDir: string;
  /** Data files in reading order, relative to the folder holding argilla.yaml. */
  dataFiles: string[];
  /** Rows to expect: Parquet footers' counts plus non-empty JSONL lines. */
  totalRows: number | null;
  /** Validated records of all data files in order; throws ImportError on the first bad row. */
  records(): AsyncIterable<ExportRecord>;
  progress(): { rowsRead: number; totalRows: number | null };
  /** Deletes what openExport extracted (zips); safe to call more than once. */
  cleanup(): Promise<void>;
}

const SETTINGS_FILES = ["argilla.yaml", "argilla.cfg"] as const;
const DATA_EXTENSIONS = [".jsonl", ".parquet"] as const;

/** Open an export at `inputPath`: a folder, a `.zip`, or an `argilla.yaml` / `argilla.cfg` path. */
export async function openExport(inputPath: string): Promise<ExportSource> {
  const shownInput = path.basename(path.resolve(inputPath));
  const inputStat = await stat(inputPath).catch(() => null);
  if (!inputStat) throw new ImportError({ file: shownInput, problem: `no such file or folder: ${inputPath}` });

  let root: string;
  let extractedDir: string | null = null;
  if (inputStat.isDirectory()) {
    root = inputPath;
  } else if (/\.zip$/i.test(inputPath)) {
    extractedDir = await extractZip(inputPath, shownInput);
    root = extractedDir;
  } else if ((SETTINGS_FILES as readonly string[]).includes(path.basename(inputPath))) {
    root = path.dirname(inputPath);
  } else {
    throw new ImportError({ file: shownInput, expected: "a folder, a .zip file or an argilla.yaml", got: "another kind of file" });
  }

  const cleanup = async (): Promise<void> => {
    if (extractedDir) await rm(extractedDir, { recursive: true, force: true });
    extractedDir = null;
  };

  try {
    const settingsPath = await findSettingsFile(root, shownInput);
    const exportDir = path.dirname(settingsPath);
    const settingsFile = toDisplayPath(path.relative(root, settingsPath));
    const settings = await readSettingsFile(settingsPath, settingsFile);
    const dataFiles = await findDataFiles(exportDir, settingsFile);

    // Open Parquet footers now (row counts for progress) and keep them for reading.
    const parquetSources = new Map<string, ParquetRowSource>();
    let totalRows = 0;
    for (const file of dataFiles) {
      const absolute = path.join(exportDir, file);
      if (file.endsWith(".parquet")) {
        const source = await openParquetFile(absolute, file);
        parquetSources.set(file, source);
        totalRows += source.totalRows;
      } else {
        totalRows += await countJsonLines(absolute);
      }
    }

    let rowsRead = 0;
    const settingsName = path.basename(settingsFile);

    async function* records(): AsyncGenerator<ExportRecord> {
      for (const file of dataFiles) {
        const parseRow = createRowParser(settings, file, { settingsFile: settingsName });
        const parquet = parquetSources.get(file);
        if (parquet) {
          for await (const { row, value } of parquet.rows()) {
            const record = parseRow(value, row);
            rowsRead++;
            yield { record, file, row };
          }
        } else {
          for await (const { line, value } of readJsonLinesFile(path.join(exportDir, file), file)) {
            const record = parseRow(value, line);
            rowsRead++;
            yield { record, file, line };
          }
        }
      }
    }

    return {
      settings,
      settingsFile,
      exportDir,
      dataFiles,
      totalRows,
      records,
      progress: () => ({ rowsRead, totalRows }),
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Default dataset name: the folder or zip name (`emotion.zip` → `emotion`). */
export function defaultDatasetName(inputPath: string): string {
  let resolved = path.resolve(inputPath);
  if ((SETTINGS_FILES as readonly string[]).includes(path.basename(resolved))) resolved = path.dirname(resolved);
  const name = path.basename(resolved).replace(/\.zip$/i, "").trim();
  return name || "dataset";
}

// ---------------------------------------------------------------------------------------------
// Finding files

/** argilla.yaml (else argilla.cfg) at the root, or in exactly one folder directly below it. */
async function findSettingsFile(root: string, shownInput: string): Promise<string> {
  const atRoot = await settingsFileIn(root);
  if (atRoot) return atRoot;
  const found: string[] = [];
  for (const entry of await sortedEntries(root)) {
    if (!entry.isDirectory() || isIgnoredName(entry.name)) continue;
    const inFolder = await settingsFileIn(path.join(root, entry.name));
    if (inFolder) found.push(inFolder);
  }
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    const listed = found.map((f) => toDisplayPath(path.relative(root, f))).join(", ");
    throw new ImportError({ file: shownInput, problem: `found more than one export (${listed}); open one of those folders instead` });
  }
  throw new ImportError({
    file: shownInput,
    problem: "no argilla.yaml (or legacy argilla.cfg) found, neither at the top level nor one folder down",
  });
}

async function settingsFileIn(dir: string): Promise<string | null> {
  for (const name of SETTINGS_FILES) {
    const candidate = path.join(dir, name);
    const info = await stat(candidate).catch(() => null);
    if (info?.isFile()) return candidate;
  }
  return null;
}

/** Data files relative to `exportDir`, in reading order. */
async function findDataFiles(exportDir: string, settingsFile: string): Promise<string[]> {
  const beside = (await listFiles(exportDir, 1)).filter(isDataFile);
  const inDataFolder = (await listFiles(path.join(exportDir, "data"), 3)).filter(isDataFile).map((f) => `data/${f}`);
  const files = [...inDataFolder, ...beside];
  if (files.length === 0) {
    throw new ImportError({
      file: settingsFile,
      problem: "no data files next to it: looked for data/*.jsonl, data/*.parquet, *.jsonl and *.parquet",
    });
  }
  const formats = new Set(files.map((f) => path.extname(f).toLowerCase()));
  if (formats.size > 1) {
    // Most likely the same records twice; importing both would duplicate them.
    throw new ImportError({
      file: settingsFile,
      problem: `found both JSONL and Parquet data files (${files.join(", ")}); keep only one format`,
    });
  }
  return files.map((file) => ({ file, key: shardSortKey(file) })).sort((a, b) => compareKeys(a.key, b.key)).map((x) => x.file);
}

/** Files (not folders) below `dir`, as `/`-separated relative paths, up to `depth` levels. */
async function listFiles(dir: string, depth: number): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await sortedEntries(dir)) {
    if (isIgnoredName(entry.name)) continue;
    if (entry.isFile()) files.push(entry.name);
    else if (entry.isDirectory() && depth > 1) {
      for (const nested of await listFiles(path.join(dir, entry.name), depth - 1)) files.push(`${entry.name}/${nested}`);
    }
  }
  return files;
}

/** Directory entries sorted by name (readdir order depends on the file system); none if missing. */
async function sortedEntries(dir: string): Promise<Dirent[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isDataFile(file: string): boolean {
  const lower = file.toLowerCase();
  return DATA_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Hidden files, macOS zip resource forks. */
function isIgnoredName(name: string): boolean {
  return name.startsWith(".") || name === "__MACOSX";
}

// HF shard names: train-00000-of-00002.parquet, older ones with a fingerprint suffix.
const SHARD_PATTERN = /^(.+?)-(\d+)-of-(\d+)(?:-[0-9a-f]+)?\.(?:jsonl|parquet)$/i;
const SPLIT_ORDER = ["train", "validation", "valid", "dev", "test"];

type SortKey = [number, number, string, number, string];

/** Order: data/ before files beside argilla.yaml; then split (train, validation, test, others A–Z); then shard. */
function shardSortKey(file: string): SortKey {
  const parts = file.split("/");
  const base = parts[parts.length - 1]!;
  const shard = SHARD_PATTERN.exec(base);
  // data/<split>/0000.parquet style: the folder names the split.
  const split = shard ? shard[1]! : parts.length > 2 ? parts[1]! : base.replace(/\.(jsonl|parquet)$/i, "");
  const rank = SPLIT_ORDER.indexOf(split.toLowerCase());
  return [parts[0] === "data" ? 0 : 1, rank === -1 ? SPLIT_ORDER.length : rank, split, shard ? Number(shard[2]) : 0, file];
}

function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

function toDisplayPath(relative: string): string {
  return relative.split(path.sep).join("/");
}

// ---------------------------------------------------------------------------------------------
// Zip extraction

/**
 * Extracts the entries an import can use (settings and data files) into a fresh temp folder,
 * streaming each entry to disk. yauzl rejects absolute and `..` entry names (zip slip).
 */
async function extractZip(zipPath: string, shownInput: string): Promise<string> {
  const target = await mkdtemp(path.join(os.tmpdir(), "feedback-import-"));
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: true });
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (name.endsWith("/") || !isWantedZipEntry(name)) continue;
      const destination = path.join(target, ...name.split("/"));
      if (!destination.startsWith(target + path.sep)) throw new Error(`unsafe entry name ${JSON.stringify(name)}`);
      await mkdir(path.dirname(destination), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(destination));
    }
    return target;
  } catch (error) {
    if (zip?.isOpen) zip.close();
    await rm(target, { recursive: true, force: true });
    throw new ImportError({ file: shownInput, problem: `cannot unzip (${(error as Error).message})`, cause: error });
  }
}

function isWantedZipEntry(name: string): boolean {
  const parts = name.split("/");
  if (parts.some(isIgnoredName)) return false;
  const base = parts[parts.length - 1]!;
  return (SETTINGS_FILES as readonly string[]).includes(base) || isDataFile(base);
}
