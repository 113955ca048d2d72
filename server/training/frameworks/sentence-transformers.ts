/**
 * sentence-transformers: {"sentence-1", "sentence-2"[, "sentence-3"][, "label"]} — pairs, triplets,
 * scored pairs (rating → number) or class-labelled pairs (label question → id in option order).
 * A label of 0 is a label (Argilla treats a falsy first label as "unlabelled").
 */
import { Drop } from "../drop-reasons";
import { InvalidSampleError } from "../errors";
import type { SentenceSimilaritySample } from "../tasks/types";
import type { FrameworkAdapter, Row } from "./types";

const SENTENCE_COLUMNS = ["sentence-1", "sentence-2", "sentence-3"] as const;

export const sentenceTransformersSimilarity: FrameworkAdapter<SentenceSimilaritySample> = {
  toRow(sample, _id, { labels, options }) {
    if (options.crossEncoder && sample.texts.length === 3) {
      throw new InvalidSampleError("Cross-encoders don't support training with triplets, the dataset has `3` sentences per sample.");
    }
    const row: Row = {};
    sample.texts.forEach((text, i) => (row[SENTENCE_COLUMNS[i]!] = text));
    if (sample.label === undefined) return row;
    if (typeof sample.label === "number") {
      row.label = sample.label;
      return row;
    }
    const id = labels!.ids(sample.label);
    if (id instanceof Drop) return id;
    row.label = id;
    return row;
  },
  view(row, { labels }) {
    const texts = SENTENCE_COLUMNS.filter((c) => c in row).map((c): [string, string] => [c, row[c] as string]);
    const label = row.label;
    return {
      input: texts.map(([, t]) => t).join("\u0000"),
      labels: label === undefined ? undefined : [labels ? (labels.names[label as number] ?? String(label)) : String(label)],
      texts,
    };
  },
};
