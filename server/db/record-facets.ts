/**
 * A record's facets: short text tokens, stored in `record.facets` (text[]), that say who responded
 * how, which questions were answered, and which have suggestions. The records browser filters on
 * them with array operators (`@>`, `&&`), which a per-dataset GIN index serves for selective
 * filters and which Postgres can estimate from its element statistics, so it picks between that
 * index and walking records in order. Import writes them; the filters below read them: keep both
 * sides on these functions.
 */
import type { FeedbackRecord, ResponseStatus } from "../feedback/schema";

export const facet = {
  /** the annotator responded (any status) */
  annotator: (annotatorId: number) => `a${annotatorId}`,
  annotatorStatus: (annotatorId: number, status: ResponseStatus) => `a${annotatorId}:${status}`,
  /** some response has this status */
  status: (status: ResponseStatus) => `s:${status}`,
  /** some response has a value for the question (any status) */
  answered: (question: string) => `q:${question}`,
  answeredWith: (question: string, status: ResponseStatus) => `q:${question}:${status}`,
  /** some suggestion (`question` omitted) or a suggestion for the question */
  suggestion: (question?: string) => (question === undefined ? "g" : `g:${question}`),
};

/** The facets of a record whose responses are by the given per-dataset annotator ids. */
export function recordFacets(record: Pick<FeedbackRecord, "responses" | "suggestions">, annotatorIds: readonly number[]): string[] {
  const tokens = new Set<string>();
  record.responses.forEach((response, i) => {
    tokens.add(facet.annotator(annotatorIds[i]));
    tokens.add(facet.annotatorStatus(annotatorIds[i], response.status));
    tokens.add(facet.status(response.status));
    for (const question of Object.keys(response.values)) {
      tokens.add(facet.answered(question));
      tokens.add(facet.answeredWith(question, response.status));
    }
  });
  if (record.suggestions.length) tokens.add(facet.suggestion());
  for (const s of record.suggestions) tokens.add(facet.suggestion(s.question));
  return [...tokens];
}

/** A Postgres array literal of text elements (every element quoted). */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}
