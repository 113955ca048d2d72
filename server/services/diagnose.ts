/**
 * Full-dataset diagnostics: from the records' digests where a prepare would use them
 * (./digest-prepare), otherwise from a full prepare's rows. Both report the same (tested).
 */
import type { DatasetDetail } from "../db/datasets";
import { diagnosePrepared, type DiagnosticsReport, type PreparedMeta, type TokenCounter } from "../training";
import { tryDigestDiagnose } from "./digest-prepare";
import { prepareDataset, type PrepareOptions, type ServiceDb } from "./prepare";

export interface DiagnoseOptions extends PrepareOptions {
  /** Token lengths too (every k-th row): these need the rows' texts, so the report is taken from a prepare's rows. */
  tokens?: TokenCounter;
}

export async function diagnoseDataset(
  db: ServiceDb,
  dataset: DatasetDetail,
  options: DiagnoseOptions,
): Promise<{ report: DiagnosticsReport; meta: PreparedMeta; source: "digests" | "records" }> {
  const fromDigests = await tryDigestDiagnose(db, dataset, options);
  if (fromDigests) return { ...fromDigests, source: "digests" };
  const { prepared, source } = await prepareDataset(db, dataset, options);
  return { report: diagnosePrepared(prepared, options.frameworkOptions, options.tokens), meta: prepared.meta, source };
}
