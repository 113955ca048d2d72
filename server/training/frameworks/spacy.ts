/**
 * spaCy / spacy-transformers: the rows a DocBin is built from — {text, cats} with every label of
 * the set as a key (0/1). Unlike Argilla, a label outside the set is dropped (invalid_label) rather
 * than added as an extra cats key (rating "3" vs option 3).
 */
import { Drop } from "../drop-reasons";
import type { TextClassificationSample } from "../tasks/types";
import type { FrameworkAdapter } from "./types";

export const spacyClassification: FrameworkAdapter<TextClassificationSample> = {
  toRow(sample, _id, { labels }) {
    const ids = labels!.ids(sample.label);
    if (ids instanceof Drop) return ids;
    const cats: Record<string, number> = {};
    for (const name of labels!.names) cats[name] = 0;
    for (const id of Array.isArray(ids) ? ids : [ids]) cats[labels!.names[id]!] = 1;
    return { text: sample.text, cats };
  },
  stratifyKey: (row) => positiveCats(row).join("\u0000"),
  view: (row) => ({ input: row.text as string, labels: positiveCats(row), texts: [["text", row.text as string]] }),
};

function positiveCats(row: Record<string, unknown>): string[] {
  return Object.entries(row.cats as Record<string, number>)
    .filter(([, v]) => v === 1)
    .map(([k]) => k);
}
