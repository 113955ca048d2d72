import type { StoredRecord } from "../feedback/schema";

/** The task does not fit the dataset or the framework (unknown names, wrong question types…). Raised before any record is read. */
export class TaskConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `The task does not fit the dataset:\n- ${problems.join("\n- ")}`);
    this.name = "TaskConfigError";
  }
}

/** One record cannot be formatted (formatting-function error, invalid output, invalid chat). Names the record. */
export class RecordFormattingError extends Error {
  constructor(
    readonly recordId: string,
    readonly recordIndex: number,
    readonly detail: string,
    readonly label = recordLabel({ id: recordId, index: recordIndex, externalId: null }),
  ) {
    super(detail.includes(label) ? detail : `${label}: ${detail}`); // the sandbox's messages already name the record
    this.name = "RecordFormattingError";
  }

  static of(record: Pick<StoredRecord, "id" | "index" | "externalId">, detail: string): RecordFormattingError {
    return new RecordFormattingError(record.id, record.index, detail, recordLabel(record));
  }
}

/**
 * A sample that violates the task's or the framework's rules (thrown below the record level; the
 * pipeline turns it into a RecordFormattingError naming the record).
 */
export class InvalidSampleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidSampleError";
  }
}

/** The prepared data as a whole is unusable (split sizes, too few examples, no rows at all…). */
export class PrepareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PrepareError";
  }
}

/** How errors and the preview name a record: its position, id and external id. */
export function recordLabel(record: Pick<StoredRecord, "id" | "index" | "externalId">): string {
  const external = record.externalId ? `, external_id ${record.externalId}` : "";
  return `Record #${record.index} (id ${record.id}${external})`;
}
