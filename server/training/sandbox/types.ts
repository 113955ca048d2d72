/** Types that the sandbox's modules share with its entry (index.ts): a leaf, so no module imports the entry back. */

export type FormattingLanguage = "javascript" | "typescript";

export type FormattingResult = { kind: "value"; value: unknown } | { kind: "generator"; items: unknown[] };
