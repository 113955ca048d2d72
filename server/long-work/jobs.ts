/**
 * The long jobs a web request can start, as they run inside a long-work thread (thread.ts): full
 * diagnostics and exports. Inputs and results are plain data (structured-cloned across threads):
 * the dataset comes resolved by the request (its DatasetDetail), and an export streams its rows
 * into a file the request named, which the request then serves.
 */
import type { Database } from "../db/client";
import type { DatasetDetail } from "../db/datasets";
import { diagnoseDataset, type DiagnoseOptions } from "../services/diagnose";
import { exportPrepared, type ExportFile, type ExportQuery } from "../services/export-prepared";
import { loadTokenizer } from "../services/tokenizers";

export interface DiagnoseJob {
  kind: "diagnose";
  dataset: DatasetDetail;
  options: Omit<DiagnoseOptions, "signal" | "tokens">;
  /** A folder or tokenizer.json on the server, loaded in the thread. */
  tokenizer?: string;
}

export interface ExportJob {
  kind: "export";
  dataset: DatasetDetail;
  query: ExportQuery;
  /** The file the rows are written to. */
  out: string;
}

export type LongJob = DiagnoseJob | ExportJob;

export type DiagnoseResult = Awaited<ReturnType<typeof diagnoseDataset>> & {
  /** Why the tokenizer could not be loaded: costs the token histogram only, not the diagnostics. */
  tokenizerError: string | null;
};

export type ExportResult = ExportFile;

export type LongJobResult<J extends LongJob> = J extends DiagnoseJob ? DiagnoseResult : ExportResult;

export async function runJob(db: Database, job: LongJob, signal: AbortSignal): Promise<DiagnoseResult | ExportResult> {
  if (job.kind === "diagnose") {
    const tokens = job.tokenizer ? await loadTokenizer(job.tokenizer).catch((error: Error) => error) : null;
    const result = await diagnoseDataset(db, job.dataset, { ...job.options, signal, tokens: tokens instanceof Error ? undefined : (tokens ?? undefined) });
    return { ...result, tokenizerError: tokens instanceof Error ? tokens.message : null };
  }
  return exportPrepared(db, job.dataset, job.query, job.out, signal);
}
