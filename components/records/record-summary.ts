/** What a list row shows about a record, derived once from the record and the settings. */
import { RESPONSE_STATUSES, type DatasetSettings, type ResponseStatus } from "~/server/feedback/schema";
import { recordAgreement, type AgreementLevel } from "~/components/agreement";
import type { BrowsedRecord } from "~/components/types";

export interface RecordSummary {
  /** The first field's text (or the first non-empty one when it is missing). */
  preview: string;
  statusCounts: [ResponseStatus, number][];
  agreement: AgreementLevel;
  suggestions: number;
}

export function summariseRecord(record: BrowsedRecord, settings: DatasetSettings): RecordSummary {
  const field = settings.fields.find((f) => record.fields[f.name]) ?? settings.fields[0];
  const text = record.fields[field.name] ?? "";
  const preview = field.use_markdown ? markdownToPlainText(text) : text;
  const counts = new Map<ResponseStatus, number>();
  for (const response of record.responses) counts.set(response.status, (counts.get(response.status) ?? 0) + 1);
  return {
    preview,
    statusCounts: RESPONSE_STATUSES.filter((s) => counts.has(s)).map((s) => [s, counts.get(s)!]),
    agreement: recordAgreement(record.responses, settings.questions),
    suggestions: record.suggestions.length,
  };
}

/** Markdown punctuation would only clutter a two-line preview: keep the words. */
export function markdownToPlainText(markdown: string): string {
  return markdown
    .replace(/^```.*$/gm, " ")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, "")
    .replace(/[`*~]+/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** A metadata value as one line of text. */
export function formatMetadataValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}
