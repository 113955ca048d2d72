/**
 * SetFit: {text, label} with label = id in option order. SetFit trains on integer labels and maps
 * predictions back with `SetFitModel.from_pretrained(..., labels=id2label order)`; ids also work
 * with its differentiable head, which string labels do not. Multi-label: label = id list plus
 * binarized_label over all labels (the runner maps binarized_label → label, one-vs-rest).
 */
import { Drop } from "../drop-reasons";
import type { TextClassificationSample } from "../tasks/types";
import { binarize } from "./labels";
import { transformersClassification } from "./transformers";
import type { FrameworkAdapter } from "./types";

export const setfitClassification: FrameworkAdapter<TextClassificationSample> = {
  toRow(sample, _id, { labels }) {
    const ids = labels!.ids(sample.label);
    if (ids instanceof Drop) return ids;
    if (!Array.isArray(ids)) return { text: sample.text, label: ids };
    return { text: sample.text, label: ids, binarized_label: binarize(ids, labels!.names.length) };
  },
  stratifyKey: transformersClassification.stratifyKey,
  view: transformersClassification.view,
};
