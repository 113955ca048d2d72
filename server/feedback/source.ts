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
import { lstat, mkdir, readdir, realpath, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { ALLOWED_ROOTS_HINT, PathNotAllowedError, realPathUnder } from "./path-roots";
import { formatBytes, ImportError } from "./errors";
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

/** Limits on extracting a .zip: a small zip can unpack to terabytes. */
export interface ZipLimits {
  /** Bytes written out in all (STUDIO_ZIP_MAX_MB). */
  maxBytes: number;
  /** Entries in the zip's directory (STUDIO_ZIP_MAX_ENTRIES). */
  maxEntries: number;
  /** Bytes written out per compressed byte, for any entry past 1 MiB (STUDIO_ZIP_MAX_RATIO). */
  maxRatio: number;
}

export interface OpenExportOptions {
  /**
   * Real paths of the folders a request may read (server/services/allowed-paths.ts). When set, the export
   * and every file read from it (settings, data files) must resolve (realpath) under one of
   * them. Unset (the CLI): any path, links followed (a Hub cache snapshot links to its blobs).
   */
  roots?: readonly string[];
  /** Required to open a .zip: `folder` makes the empty folder to extract into (removed by cleanup). */
  zip?: { folder: () => Promise<string>; limits: ZipLimits };
}

/** Checks a path of the export (`shown` names it in errors): its real path to open, or an ImportError when it leads outside the roots or nowhere. */
type Confine = (absolute: string, shown: string) => Promise<string>;

/** Open an export at `inputPath`: a folder, a `.zip`, or an `argilla.yaml` / `argilla.cfg` path. */
export async function openExport(inputPath: string, options: OpenExportOptions = {}): Promise<ExportSource> {
  const shownInput = path.basename(path.resolve(inputPath));
  // A request's path is opened only once it resolves under the roots; missing and outside read the same.
  const opened = options.roots ? await realPathUnder(inputPath, options.roots) : inputPath;
  if (opened === null) throw new PathNotAllowedError(inputPath);
  const inputStat = await stat(opened).catch(() => null);
  if (!inputStat) throw new ImportError({ file: shownInput, problem: "no such file or folder" });

  let extractedDir: string | null = null;
  const cleanup = async (): Promise<void> => {
    if (extractedDir) await rm(extractedDir, { recursive: true, force: true });
    extractedDir = null;
  };

  try {
    let root: string;
    let roots = options.roots;
    if (inputStat.isDirectory()) {
      root = opened;
    } else if (/\.zip$/i.test(inputPath)) {
      if (!options.zip) throw new Error("openExport: a .zip needs options.zip (where to extract it, and the limits)");
      extractedDir = await options.zip.folder();
      await extractZip(opened, shownInput, extractedDir, options.zip.limits);
      root = extractedDir;
      // Links are refused inside a zip; what it holds is read from its extraction folder only.
      if (roots) roots = [await realpath(/*turbopackIgnore: true*/ extractedDir)];
    } else if ((SETTINGS_FILES as readonly string[]).includes(path.basename(inputPath))) {
      // The folder as named: in a Hub cache snapshot, argilla.yaml is a link to a blob elsewhere.
      root = path.dirname(path.resolve(inputPath));
    } else {
      throw new ImportError({ file: shownInput, expected: "a folder, a .zip file or an argilla.yaml", got: "another kind of file" });
    }
    const confine: Confine | null = roots ? confineTo(roots) : null;

    const settingsPath = await findSettingsFile(root, shownInput, confine);
    const exportDir = path.dirname(settingsPath);
    const settingsFile = toDisplayPath(path.relative(root, settingsPath));
    const settings = await readSettingsFile(confine ? await confine(settingsPath, settingsFile) : settingsPath, settingsFile);
    const dataFiles = await findDataFiles(exportDir, settingsFile, confine);
    // Each data file is opened at the path it was checked at.
    const dataPaths = new Map<string, string>();
    for (const file of dataFiles) {
      const absolute = path.join(exportDir, file);
      dataPaths.set(file, confine ? await confine(absolute, file) : absolute);
    }

    // Open Parquet footers now (row counts for progress) and keep them for reading.
    const parquetSources = new Map<string, ParquetRowSource>();
    let totalRows = 0;
    for (const file of dataFiles) {
      const absolute = dataPaths.get(file)!;
      try {
        if (file.endsWith(".parquet")) {
          const source = await openParquetFile(absolute, file);
          parquetSources.set(file, source);
          totalRows += source.totalRows;
        } else {
          totalRows += await countJsonLines(absolute);
        }
      } catch (error) {
        throw withoutServerPath(error, file);
      }
    }

    let rowsRead = 0;
    const settingsName = path.basename(settingsFile);

    async function* records(): AsyncGenerator<ExportRecord> {
      for (const file of dataFiles) {
        const parseRow = createRowParser(settings, file, { settingsFile: settingsName });
        const parquet = parquetSources.get(file);
        try {
          if (parquet) {
            for await (const { row, value } of parquet.rows()) {
              const record = parseRow(value, row);
              rowsRead++;
              yield { record, file, row };
            }
          } else {
            for await (const { line, value } of readJsonLinesFile(dataPaths.get(file)!, file)) {
              const record = parseRow(value, line);
              rowsRead++;
              yield { record, file, line };
            }
          }
        } catch (error) {
          throw withoutServerPath(error, file);
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

/** File system errors carry absolute paths: name the file as the export does instead. */
function withoutServerPath(error: unknown, file: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (error instanceof ImportError || typeof code !== "string") return error;
  return new ImportError({ file, problem: `cannot read the file (${code})`, cause: error });
}

/** Checks a path of the export against the roots, returning its real path to open. */
function confineTo(roots: readonly string[]): Confine {
  return async (absolute, shown) => {
    const real = await realPathUnder(absolute, roots);
    if (real === null) throw new ImportError({ file: shown, problem: `refused: it links to something missing or outside ${ALLOWED_ROOTS_HINT}` });
    return real;
  };
}

// ---------------------------------------------------------------------------------------------
// Finding files

/** argilla.yaml (else argilla.cfg) at the root, or in exactly one folder directly below it. */
async function findSettingsFile(root: string, shownInput: string, confine: Confine | null): Promise<string> {
  const atRoot = await settingsFileIn(root, root, confine);
  if (atRoot) return atRoot;
  const found: string[] = [];
  for (const entry of await sortedEntries(root)) {
    // A link that may not be followed is passed over: looking behind it would tell what is there.
    if (isIgnoredName(entry.name) || (await entryKind(root, entry, confine)) !== "folder") continue;
    const inFolder = await settingsFileIn(path.join(root, entry.name), root, confine);
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

async function settingsFileIn(dir: string, root: string, confine: Confine | null): Promise<string | null> {
  for (const name of SETTINGS_FILES) {
    const candidate = path.join(/*turbopackIgnore: true*/ dir, name);
    if (!(await lstat(candidate).catch(() => null))) continue;
    // A settings file that links outside the roots is refused, not passed over for the next name.
    const real = confine ? await confine(candidate, toDisplayPath(path.relative(root, candidate))) : candidate;
    const info = await stat(real).catch(() => null);
    if (info?.isFile()) return candidate;
  }
  return null;
}

/** What a directory entry is, links followed; "refused": a link that may not be followed (confine). */
async function entryKind(dir: string, entry: Dirent, confine: Confine | null): Promise<"file" | "folder" | "refused" | null> {
  if (entry.isFile()) return "file";
  if (entry.isDirectory()) return "folder";
  if (!entry.isSymbolicLink()) return null;
  const linked = path.join(/*turbopackIgnore: true*/ dir, entry.name);
  const target = confine ? await confine(linked, entry.name).catch(() => null) : linked;
  if (target === null) return "refused";
  const info = await stat(target).catch(() => null);
  return info?.isFile() ? "file" : info?.isDirectory() ? "folder" : null;
}

/** Data files relative to `exportDir`, in reading order. */
async function findDataFiles(exportDir: string, settingsFile: string, confine: Confine | null): Promise<string[]> {
  const beside = (await listFiles(exportDir, 1, confine)).filter(isDataFile);
  const inDataFolder = (await listFiles(path.join(exportDir, "data"), 3, confine)).filter(isDataFile).map((f) => `data/${f}`);
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

/**
 * Files (not folders) below `dir`, as `/`-separated relative paths, up to `depth` levels. Links
 * are followed; a data file behind a link that may not be followed is listed, so that reading it
 * is refused by name rather than left out without a word.
 */
async function listFiles(dir: string, depth: number, confine: Confine | null): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await sortedEntries(dir)) {
    if (isIgnoredName(entry.name)) continue;
    const kind = await entryKind(dir, entry, confine);
    if (kind === "file" || (kind === "refused" && isDataFile(entry.name))) files.push(entry.name);
    else if (kind === "folder" && depth > 1) {
      for (const nested of await listFiles(path.join(dir, entry.name), depth - 1, confine)) files.push(`${entry.name}/${nested}`);
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

/** Entries smaller than this are not held to the compression ratio: small repetitive files compress well. */
const RATIO_EXEMPT_BYTES = 1024 * 1024;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Extracts the entries an import can use (settings and data files) into `target`, streaming each
 * entry to disk under `limits`: the bytes are counted as they are written (declared sizes can
 * lie) and the extraction stops at the first byte past a limit. yauzl rejects absolute and `..`
 * entry names (zip slip); links are refused (they would point anywhere). The caller removes
 * `target` when this throws.
 */
async function extractZip(zipPath: string, shownInput: string, target: string, limits: ZipLimits): Promise<void> {
  const refuse = (problem: string) => new ImportError({ file: shownInput, problem: `refused: ${problem}` });
  const tooBig = () => refuse(`it unpacks to more than ${formatBytes(limits.maxBytes)}, the limit STUDIO_ZIP_MAX_MB sets`);
  const tooCompressed = (name: string) =>
    refuse(`entry ${JSON.stringify(name)} unpacks to more than ${limits.maxRatio} times its compressed size, the limit STUDIO_ZIP_MAX_RATIO sets`);
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: true });
    if (zip.entryCount > limits.maxEntries) {
      throw refuse(`it holds ${zip.entryCount} entries, more than ${limits.maxEntries}, the limit STUDIO_ZIP_MAX_ENTRIES sets`);
    }
    let written = 0;
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) throw refuse(`entry ${JSON.stringify(name)} is a symbolic link`);
      if (name.endsWith("/") || !isWantedZipEntry(name)) continue;
      const ratioCap = (bytes: number) => bytes > RATIO_EXEMPT_BYTES && bytes > limits.maxRatio * Math.max(entry.compressedSize, 1);
      // What the zip declares is checked first (nothing written), what it holds as it is written.
      if (written + entry.uncompressedSize > limits.maxBytes) throw tooBig();
      if (ratioCap(entry.uncompressedSize)) throw tooCompressed(name);
      const destination = path.join(target, ...name.split("/"));
      if (!destination.startsWith(target + path.sep)) throw new Error(`unsafe entry name ${JSON.stringify(name)}`);
      await mkdir(path.dirname(destination), { recursive: true });
      let entryBytes = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          entryBytes += chunk.length;
          written += chunk.length;
          if (written > limits.maxBytes) return done(tooBig());
          if (ratioCap(entryBytes)) return done(tooCompressed(name));
          done(null, chunk);
        },
      });
      await pipeline(await zip.openReadStreamPromise(entry), counted, createWriteStream(destination));
    }
  } catch (error) {
    if (zip?.isOpen) zip.close();
    if (error instanceof ImportError) throw error;
    // A file system error's message names server paths: its code says enough.
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ImportError({ file: shownInput, problem: `cannot unzip (${reason})`, cause: error });
  }
}

function isWantedZipEntry(name: string): boolean {
  const parts = name.split("/");
  if (parts.some(isIgnoredName)) return false;
  const base = parts[parts.length - 1]!;
  return (SETTINGS_FILES as readonly string[]).includes(base) || isDataFile(base);
}
