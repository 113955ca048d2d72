/**
 * Importing an export (folder, .zip, or uploaded files) into the database, shared by the CLI and
 * the import job (server/jobs/kinds/import.ts), which runs the web app's imports in a worker.
 */
import path from "node:path";
import type pg from "pg";
import { openExport, defaultDatasetName, type OpenExportOptions } from "../feedback/source";
import { importDataset, type ImportSummary } from "../db/import-dataset";
import { buildDatasetIndexes } from "../db/dataset-indexes";
import { bytesFromMb, env } from "../env";
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
  /** Aborting rolls the import back. */
  signal?: AbortSignal;
}

/** Where a .zip is extracted (the studio home) and under which limits (STUDIO_ZIP_MAX_*). */
function exportOptions(roots: readonly string[] | undefined): OpenExportOptions {
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

/** The import alone: the caller builds the dataset's indexes (buildDatasetIndexes, or its job). */
export async function importRecords(pool: pg.Pool, exportPath: string, options: ImportOptions) {
  const source = await openExport(exportPath, exportOptions(options.roots));
  try {
    const summary = await importDataset(pool, {
      name: options.name?.trim() || defaultDatasetName(exportPath),
      source: path.basename(exportPath),
      settings: source.settings,
      records: options.signal ? abortable(source.records(), options.signal) : source.records(),
      onProgress: (rowsRead) => options.onProgress?.({ rowsRead, totalRows: source.totalRows }),
    });
    return { summary, settings: source.settings };
  } finally {
    await source.cleanup();
  }
}

/** Stops reading at the next record once `signal` is aborted (the import's transaction then rolls back). */
async function* abortable<T>(items: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  for await (const item of items) {
    signal.throwIfAborted();
    yield item;
  }
}
