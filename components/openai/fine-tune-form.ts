/** The fine-tuning form's fields as the openai.start / openai.check request (pure, tested). */

export interface FineTuneFormValues {
  provider: string;
  model: string;
  /** Blank: "auto" (the provider chooses). */
  nEpochs: string;
  batchSize: string;
  learningRateMultiplier: string;
  suffix: string;
  seed: string;
  /** Blank: the base model's known limit, or none. */
  maxTokensPerExample: string;
}

export const DEFAULT_FORM: FineTuneFormValues = { provider: "", model: "gpt-4o-mini-2024-07-18", nEpochs: "", batchSize: "", learningRateMultiplier: "", suffix: "", seed: "", maxTokensPerExample: "" };

/** A number field: blank → undefined, "auto" → "auto", else the number (NaN, which the server refuses naming the field). */
function numberField(text: string): number | "auto" | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  if (trimmed === "auto") return "auto";
  return Number(trimmed);
}

/** The request: the builder's dataset, task and split options with the form's provider settings. */
export function fineTuneRequest(values: FineTuneFormValues, builder: { dataset: string; task: unknown; options: Record<string, unknown> }) {
  const hyperparameters = Object.fromEntries(
    Object.entries({ n_epochs: numberField(values.nEpochs), batch_size: numberField(values.batchSize), learning_rate_multiplier: numberField(values.learningRateMultiplier) }).filter(([, value]) => value !== undefined),
  );
  const seed = numberField(values.seed);
  const maxTokens = numberField(values.maxTokensPerExample);
  return {
    dataset: builder.dataset,
    task: builder.task,
    provider: values.provider,
    model: values.model.trim(),
    hyperparameters,
    ...(values.suffix.trim() ? { suffix: values.suffix.trim() } : {}),
    ...(typeof seed === "number" ? { seed } : {}),
    ...(typeof maxTokens === "number" ? { maxTokensPerExample: maxTokens } : {}),
    options: builder.options,
  };
}
