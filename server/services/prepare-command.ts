/** The `studio prepare` command line equivalent to a task built in the UI (pure). */
export interface PrepareCommandInput {
  dataset: string;
  framework: string;
  trainSize?: number;
  testSize?: number;
  seed?: number;
  maxRecords?: number;
  filterBy?: string[];
  crossEncoder?: boolean;
  sortBy?: string;
  format?: "jsonl" | "parquet";
  taskFile?: string;
  out?: string;
}

/** Quotes a shell word only when needed. */
export function shellQuote(word: string): string {
  return /^[\w./:=,@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function prepareCommand(input: PrepareCommandInput): string {
  const words = ["npx", "studio", "prepare", "--dataset", input.dataset, "--task", input.taskFile ?? "task.json", "--framework", input.framework];
  if (input.trainSize !== undefined && input.trainSize < 1) words.push("--train-size", String(input.trainSize));
  if (input.testSize !== undefined) words.push("--test-size", String(input.testSize));
  if (input.seed !== undefined) words.push("--seed", String(input.seed));
  if (input.maxRecords !== undefined) words.push("--max-records", String(input.maxRecords));
  if (input.filterBy?.length) words.push("--filter-by", input.filterBy.join(","));
  if (input.sortBy !== undefined && input.sortBy !== "index") words.push("--sort-by", input.sortBy);
  if (input.format === "parquet") words.push("--format", "parquet");
  if (input.crossEncoder) words.push("--cross-encoder");
  words.push("--out", input.out ?? "prepared");
  return words.map(shellQuote).join(" ");
}
