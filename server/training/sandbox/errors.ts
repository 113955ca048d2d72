/**
 * What went wrong with a user's formatting function:
 *   syntax          the source does not parse (esbuild's message, with line and column);
 *   not-a-function  no function to call could be picked from the source (choose-function.ts);
 *   timeout         a call (or the top-level code) ran past the time limit;
 *   memory          the memory limit, the stack limit (deep recursion) or a size guard was hit,
 *                   or the engine crashed; the sandbox starts afresh for the next call;
 *   throw           the function threw (message: "Name: message" of what it threw);
 *   invalid-return  the result is not JSON data (a function, BigInt, Map, cycle, ...).
 */
export type FormattingErrorKind = "syntax" | "timeout" | "memory" | "throw" | "invalid-return" | "not-a-function";

/**
 * Every failure the sandbox reports to its caller. `message` is written for the person who wrote
 * the function (the preview shows it next to the record), e.g.
 * 'formatting function threw on Record #12 (id 7): TypeError: cannot read property "x" of undefined'.
 */
export class FormattingFunctionError extends Error {
  readonly kind: FormattingErrorKind;
  // `declare`: absent rather than undefined when not set.
  /** The record label given to `call`, when the error happened while formatting a record. */
  declare readonly recordLabel?: string;
  /** 1-based position in the user's source, for syntax errors. */
  declare readonly line?: number;
  declare readonly column?: number;

  constructor(
    kind: FormattingErrorKind,
    message: string,
    details: { recordLabel?: string; line?: number; column?: number } = {},
  ) {
    super(message);
    this.name = "FormattingFunctionError";
    this.kind = kind;
    if (details.recordLabel !== undefined) (this as { recordLabel?: string }).recordLabel = details.recordLabel;
    if (details.line !== undefined) (this as { line?: number }).line = details.line;
    if (details.column !== undefined) (this as { column?: number }).column = details.column;
  }
}

/** For a record of a batch that was not run because an earlier record of the batch timed out (or, when asked, failed). */
export function notRunError(cause: FormattingFunctionError, recordLabel: string | undefined, index: number): FormattingFunctionError {
  const earlier = cause.recordLabel ? ` on ${cause.recordLabel}` : "";
  return new FormattingFunctionError(
    cause.kind,
    `formatting function was not run on ${recordLabel ?? `item ${index + 1} of the batch`}: ` +
      `it ${cause.kind === "timeout" ? "timed out" : "failed"}${earlier}, earlier in the same batch`,
    recordLabel === undefined ? {} : { recordLabel },
  );
}

/** For the record a request had reached when it used up its CPU budget (index.ts). */
export function budgetError(budgetMs: number, recordLabel: string | undefined, index: number): FormattingFunctionError {
  const seconds = budgetMs >= 1000 ? `${+(budgetMs / 1000).toFixed(3)} s` : `${budgetMs} ms`;
  return new FormattingFunctionError(
    "timeout",
    `formatting function used up this request's CPU budget of ${seconds} before ${recordLabel ?? `item ${index + 1} of the batch`}; ` +
      "the rest of the request was not run (each request may run the function for that long in all)",
    recordLabel === undefined ? {} : { recordLabel },
  );
}
