/**
 * The long jobs a web request can start, as they run inside a long-work thread (thread.ts): full
 * diagnostics, exports, the check of the rows a fine-tune would upload, and the training preflight
 * (a prepare of up to 20,000 records). Inputs and results are plain data (structured-cloned across threads):
 * the dataset comes resolved by the request (its DatasetDetail), and an export streams its rows
 * into a file the request named, which the request then serves.
 */
import type { Database } from "../db/client";
import type { DatasetDetail } from "../db/datasets";
import { diagnoseDataset, type DiagnoseOptions } from "../services/diagnose";
import { exportPrepared, type ExportFile, type ExportQuery } from "../services/export-prepared";
import { prepareDataset, type PrepareOptions } from "../services/prepare";
import { loadTokenizer } from "../services/tokenizers";
import { validateChatLines, type ChatValidation } from "../openai/validate";
import { preflightTraining, type PreflightAnswer } from "../training-runs/preflight-run";
import type { TrainingRequest } from "../training-runs/validate";

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

/** The dataset prepared for the `openai` framework as a fine-tune prepares it, its training rows checked by the provider's rules. */
export interface FineTuneRowsJob {
  kind: "fine-tune-rows";
  dataset: DatasetDetail;
  options: Omit<PrepareOptions, "signal">;
  tokenLimit: number | null;
}

/** The config form's answer before Start: the request checked, the preflight checks and the estimate. */
export interface PreflightJob {
  kind: "preflight";
  request: TrainingRequest;
}

export type LongJob = DiagnoseJob | ExportJob | FineTuneRowsJob | PreflightJob;

export type DiagnoseResult = Awaited<ReturnType<typeof diagnoseDataset>> & {
  /** Why the tokenizer could not be loaded: costs the token histogram only, not the diagnostics. */
  tokenizerError: string | null;
};

export type ExportResult = ExportFile;

export type LongJobResult<J extends LongJob> = J extends DiagnoseJob
  ? DiagnoseResult
  : J extends FineTuneRowsJob
    ? ChatValidation
    : J extends PreflightJob
      ? PreflightAnswer
      : ExportResult;

export async function runJob(db: Database, job: LongJob, signal: AbortSignal): Promise<LongJobResult<LongJob>> {
  if (job.kind === "diagnose") {
    const tokens = job.tokenizer ? await loadTokenizer(job.tokenizer).catch((error: Error) => error) : null;
    const result = await diagnoseDataset(db, job.dataset, { ...job.options, signal, tokens: tokens instanceof Error ? undefined : (tokens ?? undefined) });
    return { ...result, tokenizerError: tokens instanceof Error ? tokens.message : null };
  }
  if (job.kind === "fine-tune-rows") {
    const { prepared } = await prepareDataset(db, job.dataset, { ...job.options, signal });
    return validateChatLines(
      prepared.train.map((row) => JSON.stringify(row)),
      { tokenLimit: job.tokenLimit },
    );
  }
  if (job.kind === "preflight") return preflightTraining(db, job.request, signal);
  return exportPrepared(db, job.dataset, job.query, job.out, signal);
}
