/**
 * The long jobs a web request can start, as they run inside a long-work thread (thread.ts): full
 * diagnostics and exports. Inputs and results are plain data (structured-cloned across threads);
 * an export's file travels as bytes whose buffer is transferred, not copied.
 */
import { forgetDataset } from "../db/datasets";
import type { Database } from "../db/client";
import { exportPrepared, type ExportFile, type ExportQuery } from "../services/export-prepared";
import { diagnoseDataset, type DiagnoseOptions } from "../services/prepare-dataset";
import { loadTokenizer } from "../services/tokenizers";

export interface DiagnoseJob {
  kind: "diagnose";
  dataset: string;
  options: Omit<DiagnoseOptions, "signal" | "tokens">;
  /** A folder or tokenizer.json on the server, loaded in the thread. */
  tokenizer?: string;
}

export interface ExportJob {
  kind: "export";
  query: ExportQuery;
}

export type LongJob = DiagnoseJob | ExportJob;

export type DiagnoseResult = Awaited<ReturnType<typeof diagnoseDataset>> & {
  /** Why the tokenizer could not be loaded: costs the token histogram only, not the diagnostics. */
  tokenizerError: string | null;
};

export type ExportResult = ExportFile;

export type LongJobResult<J extends LongJob> = J extends DiagnoseJob ? DiagnoseResult : ExportResult;

export async function runJob(db: Database, job: LongJob, signal: AbortSignal): Promise<DiagnoseResult | ExportResult> {
  // This thread's dataset lookups are another process's as far as the main thread's forgetting
  // goes (a deletion or re-import there): a job looks its dataset up afresh, which costs one
  // short query against seconds of work.
  if (job.kind === "diagnose") {
    forgetDataset(job.dataset);
    const tokens = job.tokenizer ? await loadTokenizer(job.tokenizer).catch((error: Error) => error) : null;
    const result = await diagnoseDataset(db, job.dataset, { ...job.options, signal, tokens: tokens instanceof Error ? undefined : (tokens ?? undefined) });
    return { ...result, tokenizerError: tokens instanceof Error ? tokens.message : null };
  }
  forgetDataset(job.query.dataset);
  return exportPrepared(db, job.query, signal);
}
