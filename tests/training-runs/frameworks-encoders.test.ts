/**
 * Sentence similarity (sentence-transformers, bi- and cross-encoder) and extractive question answering
 * (transformers) through the studio: the shipped samples prepared by the job, the real Python worker,
 * the queue and an in-process worker. The similarity models' scores must correlate with the annotators'
 * ratings on held-out pairs; QA's eval loss must fall. Each model is reloaded and predicts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStudio, predict, train, type Studio } from "./frameworks";

/** sentence-pairs as README's default example: the mean 1–5 similarity rating (scored pairs). */
const SIMILARITY = { task: "sentence_similarity", texts: ["sentence-1", "sentence-2"], label: "similarity", label_strategy: "mean" };
const QA = { task: "question_answering", question: "question", context: "context", answer: "answer" };
const SPLIT = { testSize: 0.25, seed: 42 };

let studio: Studio;
beforeAll(async () => {
  studio = await openStudio();
}, 300_000);
afterAll(async () => studio?.close());

describe("sentence similarity", () => {
  it("sentence-transformers bi-encoder on scored pairs (CoSENT): cosine scores correlate with the ratings", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("sentence-pairs"),
      task: SIMILARITY,
      framework: "sentence-transformers",
      model: studio.minilm,
      config: { max_steps: 6, per_device_train_batch_size: 16 },
      options: SPLIT,
    });
    expect(job.result.metrics.spearman_cosine).toBeGreaterThan(0.3);
    const row = job.rows("test")[0];
    const answer = await predict(studio, job, { sentence1: row["sentence-1"], sentence2: row["sentence-2"] });
    expect(answer.score).toBeGreaterThanOrEqual(-1);
    expect(answer.score).toBeLessThanOrEqual(1);
  }, 300_000);

  it("sentence-transformers cross-encoder on scored pairs: a fresh head learns to rank the pairs", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("sentence-pairs"),
      task: SIMILARITY,
      framework: "sentence-transformers",
      model: studio.minilm,
      config: { cross_encoder: true, num_train_epochs: 2, per_device_train_batch_size: 16, learning_rate: 1e-4 },
      options: SPLIT,
    });
    expect(job.result.metrics.spearman).toBeGreaterThan(0.2); // an untrained head scores ~0
    const row = job.rows("test")[0];
    const answer = await predict(studio, job, { sentence1: row["sentence-1"], sentence2: row["sentence-2"] });
    expect(answer.score).toBeGreaterThanOrEqual(0);
    expect(answer.score).toBeLessThanOrEqual(1);
  }, 300_000);
});

describe("question answering", () => {
  it("transformers extractive QA: eval loss falls, and the answer is a span of the context", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("faq-qa"),
      task: QA,
      framework: "transformers",
      model: studio.minilm,
      config: { learning_rate: 2e-4, num_train_epochs: 3, per_device_train_batch_size: 8, max_length: 96, doc_stride: 32, evaluate_before_training: true },
      options: { testSize: 0.2, seed: 42 },
    });
    const losses = job.series("loss", "eval");
    expect(losses.at(-1)).toBeLessThan(losses[0]! * 0.85);
    expect(job.result.metrics.f1).toBeGreaterThan(0);
    const row = job.rows("train")[0];
    const answer = await predict(studio, job, { question: row.question, context: row.context });
    expect(answer.answer).not.toBe("");
    expect(row.context.slice(answer.start, answer.end)).toBe(answer.answer);
  }, 300_000);
});
