import { describe, expect, it } from "vitest";
import { DEFAULT_FORM, fineTuneRequest } from "./fine-tune-form";

describe("fineTuneRequest", () => {
  const builder = { dataset: "support-chat", task: { task: "chat_completion" }, options: { trainSize: 0.8, seed: 1 } };
  it("leaves blank hyperparameters to the provider and passes the rest as numbers", () => {
    expect(fineTuneRequest({ ...DEFAULT_FORM, provider: "local" }, builder)).toEqual({ ...builder, provider: "local", model: "gpt-4o-mini-2024-07-18", hyperparameters: {} });
    const full = fineTuneRequest({ ...DEFAULT_FORM, provider: "local", nEpochs: "3", batchSize: "auto", learningRateMultiplier: "0.5", suffix: " support ", seed: "7", maxTokensPerExample: "4096" }, builder);
    expect(full).toMatchObject({ hyperparameters: { n_epochs: 3, batch_size: "auto", learning_rate_multiplier: 0.5 }, suffix: "support", seed: 7, maxTokensPerExample: 4096 });
  });
  it("sends a field that is no number as NaN, for the server to refuse by name", () => {
    expect(fineTuneRequest({ ...DEFAULT_FORM, nEpochs: "three" }, builder).hyperparameters.n_epochs).toBeNaN();
  });
});
