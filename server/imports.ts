/**
 * Importing an export (folder, .zip, or uploaded files) into the database, shared by the CLI and
 * the web app. Web imports run in the background; their progress is kept in this process so the
 * upload page can poll it.
 */
import crypto from "node:crypto";
import path from "node:path";
import type pg from "pg";
import { openExport, defaultDatasetName } from "./feedback/source";
import { importDataset, type ImportSummary } from "./db/import-dataset";
import { buildSearchIndex } from "./db/search-index";

export interface ImportProgress {
  rowsRead: number;
  totalRows: number | null;
}

export interface ImportOptions {
  name?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** "now" (default): build the search index before returning; "later": the caller does (buildSearchIndex). */
  searchIndex?: "now" | "later";
}

export async function importFromPath(pool: pg.Pool, exportPath: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const summary = await importRecords(pool, exportPath, options);
  if (options.searchIndex !== "later") await buildSearchIndex(pool, summary.datasetId);
  return summary;
}

async function importRecords(pool: pg.Pool, exportPath: string, options: ImportOptions): Promise<ImportSummary> {
  const source = await openExport(exportPath);
  try {
    return await importDataset(pool, {
      name: options.name?.trim() || defaultDatasetName(exportPath),
      source: path.basename(exportPath),
      settings: source.settings,
      records: source.records(),
      onProgress: (rowsRead) => options.onProgress?.({ rowsRead, totalRows: source.totalRows }),
    });
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

/** Starts an import in the background and returns its id at once. */
export function startImport(pool: pg.Pool, exportPath: string, options: { name?: string; onFinish?: () => Promise<void> }): string {
  const id = crypto.randomUUID();
  jobs.set(id, { id, state: "running", rowsRead: 0, totalRows: null });
  importFromPath(pool, exportPath, {
    name: options.name,
    searchIndex: "later",
    onProgress: (progress) => jobs.set(id, { id, state: "running", ...progress }),
  })
    .then((summary) => {
      const last = jobs.get(id)!;
      jobs.set(id, { id, state: "done", summary, rowsRead: summary.records, totalRows: last.totalRows ?? summary.records });
      // The dataset is browsable now; search gets its index in the background.
      void buildSearchIndex(pool, summary.datasetId).catch((error) => console.error(`search index for ${summary.dataset}: ${error.message}`));
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
