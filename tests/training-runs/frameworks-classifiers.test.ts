/**
 * Text classification through the studio, per framework: the shipped samples prepared by the job, the
 * real Python worker, the queue and an in-process worker. Each classifier must beat always guessing the
 * test split's most frequent label (set) by at least 0.15 of accuracy (3 classes: uniform chance is 0.33,
 * the majority label ~0.43), save its model, and predict from it once reloaded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { majorityShare, openStudio, predict, train, type Studio } from "./frameworks";

/** sentiment-reviews as README's default example: positive, negative and neutral, majority of submitted answers. */
const SENTIMENT = { task: "text_classification", text: "text", label: "sentiment", label_strategy: "majority", seed: 42 };
/** support-topics: five topics, multi-label (README's template example). */
const TOPICS = { task: "text_classification", template: { text: "{subject}\n\n{message}" }, label: "topics" };
const SPLIT = { testSize: 0.25, seed: 42 };

let studio: Studio;
beforeAll(async () => {
  studio = await openStudio();
}, 300_000);
afterAll(async () => studio?.close());

describe("text classification", () => {
  it("transformers, single-label: MiniLM beats the majority label on held-out reviews", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("sentiment-reviews"),
      task: SENTIMENT,
      framework: "transformers",
      model: studio.minilm,
      config: { learning_rate: 1e-4, num_train_epochs: 4, per_device_train_batch_size: 8, max_length: 64 },
      options: SPLIT,
    });
    expect(job.result.metrics.accuracy).toBeGreaterThanOrEqual(majorityShare(job.rows("test")) + 0.15);
    const losses = job.series("loss", "train");
    expect(losses.at(-1)).toBeLessThan(losses[0]!);
    const answer = await predict(studio, job, { text: "Worth every penny, I love it." });
    expect(answer.labels[0].label).toBe("positive");
  }, 300_000);

  it("transformers, multi-label: MiniLM beats the most frequent topic set", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("support-topics"),
      task: TOPICS,
      framework: "transformers",
      model: studio.minilm,
      config: { learning_rate: 3e-4, num_train_epochs: 5, per_device_train_batch_size: 8, max_length: 64 },
      options: { testSize: 0.2, seed: 42 },
    });
    expect(job.result.metrics.accuracy).toBeGreaterThanOrEqual(majorityShare(job.rows("test")) + 0.15); // subset accuracy
    const answer = await predict(studio, job, { text: "I was charged twice for my subscription this month." });
    expect(answer.labels.find((l: { label: string }) => l.label === "billing").score).toBeGreaterThan(0.5);
  }, 300_000);

  it("PEFT LoRA, single-label: an adapter on MiniLM beats the majority label", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("sentiment-reviews"),
      task: SENTIMENT,
      framework: "peft",
      model: studio.minilm,
      config: { learning_rate: 1e-2, num_train_epochs: 3, per_device_train_batch_size: 8, max_length: 48, r: 8, lora_alpha: 16, lora_dropout: 0 },
      options: SPLIT,
    });
    expect(job.result.metrics.accuracy).toBeGreaterThanOrEqual(majorityShare(job.rows("test")) + 0.15);
    const answer = await predict(studio, job, { text: "Worth every penny, I love it." });
    expect(answer.labels[0].label).toBe("positive");
  }, 300_000);

  it("spaCy textcat on blank:en beats the majority label", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("sentiment-reviews"),
      task: SENTIMENT,
      framework: "spacy",
      model: "blank:en",
      config: { max_steps: 60, batch_size: 8, eval_frequency: 20 },
      options: SPLIT,
    });
    expect(job.result.metrics.accuracy).toBeGreaterThanOrEqual(majorityShare(job.rows("test")) + 0.15);
    const answer = await predict(studio, job, { text: "Worth every penny. I love it." });
    expect(answer.labels[0].label).toBe("positive");
  }, 300_000);

  it("spaCy textcat_multilabel on blank:en beats the most frequent topic set", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("support-topics"),
      task: TOPICS,
      framework: "spacy",
      model: "blank:en",
      config: { max_steps: 150, batch_size: 8, eval_frequency: 50 },
      options: { testSize: 0.2, seed: 42 },
    });
    expect(job.result.metrics.accuracy).toBeGreaterThanOrEqual(majorityShare(job.rows("test")) + 0.15);
    const answer = await predict(studio, job, { text: "I was charged twice for my subscription this month." });
    expect(answer.labels.length).toBe(5);
  }, 300_000);
});
