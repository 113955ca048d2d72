/**
 * Importing an export (folder, .zip, or uploaded files) into the database, shared by the CLI and
 * the web app. Web imports run in the background; their progress is kept in this process so the
 * upload page can poll it.
 */
import crypto from "node:crypto";
import path from "node:path";
import type pg from "pg";
import { openExport, defaultDatasetName, type OpenExportOptions } from "./feedback/source";
import { importDataset, type ImportSummary } from "./db/import-dataset";
import { buildDatasetIndexes } from "./db/dataset-indexes";
import { bytesFromMb, readEnv } from "./env";
import { newExtractionFolder } from "./uploads";

export interface ImportProgress {
  rowsRead: number;
  totalRows: number | null;
}

export interface ImportOptions {
  name?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** "now" (default): build the dataset's indexes before returning; "later": the caller does (buildDatasetIndexes). */
  indexes?: "now" | "later";
  /**
   * Real paths of the folders the export and every file read from it must lie under: set for a
   * path a request names (allowedRoots()). Unset: any path the process can read (the CLI).
   */
  roots?: readonly string[];
}

/** Where a .zip is extracted (the studio home) and under which limits (STUDIO_ZIP_MAX_*). */
function exportOptions(roots: readonly string[] | undefined): OpenExportOptions {
  const env = readEnv();
  return {
    roots,
    zip: {
      folder: newExtractionFolder,
      limits: { maxBytes: bytesFromMb(env.STUDIO_ZIP_MAX_MB), maxEntries: env.STUDIO_ZIP_MAX_ENTRIES, maxRatio: env.STUDIO_ZIP_MAX_RATIO },
    },
  };
}

export async function importFromPath(pool: pg.Pool, exportPath: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const { summary, settings } = await importRecords(pool, exportPath, options);
  if (options.indexes !== "later") await buildDatasetIndexes(pool, summary.datasetId, settings);
  return summary;
}

async function importRecords(pool: pg.Pool, exportPath: string, options: ImportOptions) {
  const source = await openExport(exportPath, exportOptions(options.roots));
  try {
    const summary = await importDataset(pool, {
      name: options.name?.trim() || defaultDatasetName(exportPath),
      source: path.basename(exportPath),
      settings: source.settings,
      records: source.records(),
      onProgress: (rowsRead) => options.onProgress?.({ rowsRead, totalRows: source.totalRows }),
    });
    return { summary, settings: source.settings };
  } finally {
    await source.cleanup();
  }
}

export type ImportJob =
  | ({ id: string; state: "running" } & ImportProgress)
  | ({ id: string; state: "done"; summary: ImportSummary } & ImportProgress)
  | ({ id: string; state: "failed"; error: string } & ImportProgress);

const globalForImports = globalThis as unknown as { studioImports?: Map<string, ImportJob> };
const jobs = (globalForImports.studioImports ??= new Map<string, ImportJob>());

/** Starts an import in the background and returns its id at once. A request's import: `roots` bound what it reads. */
export function startImport(pool: pg.Pool, exportPath: string, options: { name?: string; roots: readonly string[]; onFinish?: () => Promise<void> }): string {
  const id = crypto.randomUUID();
  jobs.set(id, { id, state: "running", rowsRead: 0, totalRows: null });
  importRecords(pool, exportPath, {
    name: options.name,
    roots: options.roots,
    onProgress: (progress) => jobs.set(id, { id, state: "running", ...progress }),
  })
    .then(({ summary, settings }) => {
      const last = jobs.get(id)!;
      jobs.set(id, { id, state: "done", summary, rowsRead: summary.records, totalRows: last.totalRows ?? summary.records });
      // The dataset is browsable now; its search and sort indexes are built in the background.
      void buildDatasetIndexes(pool, summary.datasetId, settings).catch((error) => console.error(`indexes for ${summary.dataset}: ${error.message}`));
    })
    .catch((error: Error) => {
      const last = jobs.get(id)!;
      jobs.set(id, { id, state: "failed", error: error.message, rowsRead: last.rowsRead, totalRows: last.totalRows });
    })
    .finally(() => options.onFinish?.().catch(() => {}));
  return id;
}

export function importJob(id: string): ImportJob | null {
  return jobs.get(id) ?? null;
}
