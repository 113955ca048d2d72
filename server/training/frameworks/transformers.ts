/**
 * transformers (and peft, which trains on the same rows).
 * Text classification: {id, text, label} with label = id in option order; multi-label: label = id
 * list plus binarized_label over ALL labels. QA: SQuAD rows {id, question, context, answers}.
 * `id` is the record id (suffixed "#k" for the k-th row of a record) instead of Argilla's int32 row
 * index, so a row can be traced to its record and the preview's ids are the training ids.
 */
import { codePointIndexOf } from "../code-points";
import { Drop, drop } from "../drop-reasons";
import type { QuestionAnsweringSample, TextClassificationSample } from "../tasks/types";
import { binarize, namesOfIds } from "./labels";
import type { FrameworkAdapter, Row } from "./types";

export const transformersClassification: FrameworkAdapter<TextClassificationSample> = {
  toRow(sample, id, { labels }) {
    const ids = labels!.ids(sample.label);
    if (ids instanceof Drop) return ids;
    if (!Array.isArray(ids)) return { id, text: sample.text, label: ids };
    return { id, text: sample.text, label: ids, binarized_label: binarize(ids, labels!.names.length) };
  },
  stratifyKey: (row) => String(row.label),
  view: (row, { labels }) => ({
    input: row.text as string,
    labels: namesOfIds(row.label, labels),
    texts: [["text", row.text as string]],
  }),
};

export const transformersQuestionAnswering: FrameworkAdapter<QuestionAnsweringSample> = {
  toRow(sample, id) {
    const start = codePointIndexOf(sample.context, sample.answer);
    if (start < 0) return drop("answer_not_in_context", `the answer "${sample.answer}" is not in the context`);
    return {
      id,
      question: sample.question,
      context: sample.context,
      answers: { text: [sample.answer], answer_start: [start] },
    };
  },
  view: (row: Row) => ({
    input: `${row.question as string}\u0000${row.context as string}`,
    texts: [
      ["question", row.question as string],
      ["context", row.context as string],
      ["answer", (row.answers as { text: string[] }).text[0]!],
    ],
  }),
};
