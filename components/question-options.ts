/** Options of a question with their display titles (dict labels map stored value → title). */
import type { QuestionSettings } from "~/server/feedback/schema";

export interface QuestionOption {
  value: string;
  /** Set when it differs from the value (dict labels, span label texts). */
  title?: string;
}

function fromLabels(labels: string[] | Record<string, string>): QuestionOption[] {
  return Array.isArray(labels) ? labels.map((value) => ({ value })) : Object.entries(labels).map(([value, title]) => ({ value, title: title !== value ? title : undefined }));
}

export function questionOptionList(question: QuestionSettings): QuestionOption[] {
  switch (question.type) {
    case "label_selection":
    case "multi_label_selection":
      return fromLabels(question.labels);
    case "ranking":
      return fromLabels(question.values);
    case "rating":
      return question.values.map((v) => ({ value: String(v) }));
    case "span":
      return question.labels.map((l) => ({ value: l.value, title: l.text && l.text !== l.value ? l.text : undefined }));
    case "text":
      return [];
  }
}

/** The title to show for a stored option value (the value itself when it has none). */
export function optionTitle(question: QuestionSettings, value: string): string {
  return questionOptionList(question).find((o) => o.value === value)?.title ?? value;
}
