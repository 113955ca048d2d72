import type { Drop } from "../drop-reasons";
import type { LabelSpace } from "./labels";

export const FRAMEWORKS = [
  "transformers",
  "peft",
  "setfit",
  "spacy",
  "spacy-transformers",
  "sentence-transformers",
  "trl",
  "openai",
] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export type Row = Record<string, unknown>;

export interface FrameworkOptions {
  /** sentence-transformers: train a cross-encoder (no triplets). */
  crossEncoder?: boolean;
}

export interface RowContext {
  /** The label set (classification, and sentence similarity with a label question or string labels). */
  labels?: LabelSpace;
  options: FrameworkOptions;
}

/** How diagnostics read a row: its input (for duplicates/leakage), label names and texts (for lengths). */
export interface RowView {
  input: string;
  labels?: string[];
  texts: [column: string, text: string][];
}

/** The rows one framework expects for one task (docs/argilla-semantics.md §5). */
export interface FrameworkAdapter<S> {
  /** One row per sample, or a drop (answer not in context, label not in the label set). Throws InvalidSampleError. */
  toRow(sample: S, id: string, ctx: RowContext): Row | Drop;
  /** Rules over the split (e.g. OpenAI's minimum number of training examples); throws PrepareError. */
  checkSplit?(train: readonly Row[], test: readonly Row[]): void;
  /** Rows with equal keys are split proportionally (classification). */
  stratifyKey?(row: Row): string;
  view(row: Row, ctx: RowContext): RowView;
}
