/** Why a record produced no training rows. Every dropped record is counted under exactly one reason. */
export const DROP_REASONS = {
  filtered_out: "Excluded by filter_by (no response with a selected status).",
  over_max_records: "Beyond max_records: only the first N records that pass the filter are used.",
  no_submitted_responses: "The task needs annotations, but the record has no submitted response.",
  missing_response: "No submitted response answers a question the task needs.",
  missing_field: "A field the task needs is empty or absent (optional field).",
  invalid_label: "The label is not one of the task's labels (e.g. a rating mean that is not an option).",
  ambiguous_ranking: "The ranking has no single item at the requested rank (tied ranks), so chosen/rejected is undefined.",
  answer_not_in_context: "Extractive QA: the answer is not a substring of the context.",
  chosen_equals_rejected: "The chosen and rejected texts are identical, which teaches a preference model nothing.",
  function_returned_nothing: "The formatting function returned nothing (null, undefined or an empty list) for this record.",
} as const;

export type DropReason = keyof typeof DROP_REASONS;

export const DROP_REASON_LIST = Object.keys(DROP_REASONS) as DropReason[];

/** A record-level drop: the reason plus a human detail naming what was missing. */
export class Drop {
  constructor(
    readonly reason: DropReason,
    readonly detail: string,
  ) {}
}

export function drop(reason: DropReason, detail: string): Drop {
  return new Drop(reason, detail);
}

/**
 * Maps items and keeps the results that are not drops. When nothing is kept, the first drop says
 * why (a record with several candidate samples is dropped only if every candidate is).
 */
export function keepOrFirstDrop<T, R>(items: Iterable<T>, map: (item: T, index: number) => R | Drop | undefined): R[] | Drop {
  const kept: R[] = [];
  let firstDrop: Drop | undefined;
  let index = 0;
  for (const item of items) {
    const result = map(item, index++);
    if (result instanceof Drop) firstDrop ??= result;
    else if (result !== undefined) kept.push(result);
  }
  return kept.length === 0 && firstDrop ? firstDrop : kept;
}
