import { describe, expect, it } from "vitest";
import { toArgillaSample } from "./sample";
import { dataset, discarded, draft, question, ranking, record, submitted } from "./test-helpers";

describe("toArgillaSample (the formatting_func input, docs/argilla-semantics.md §3)", () => {
  const settings = dataset(
    ["text", "context?"],
    [question.label("label", ["a", "b"]), question.ranking("pref", ["r1", "r2"]), question.multiLabel("tags", ["x", "y"])],
  );
  const r = record(
    "r7",
    { text: "hello" },
    [
      submitted({ label: "a", pref: ranking({ r1: 1, r2: 2 }) }, "u1"),
      draft({ label: "b" }, "u2"),
      discarded({ tags: ["x"] }, null),
    ],
    {
      externalId: "ext-7",
      metadata: { source: "forum", score: 0.5 },
      suggestions: [
        { question: "label", value: "b", score: 0.9, agent: "model-x", type: "model" },
        { question: "pref", value: ranking({ r1: 2, r2: 1 }), score: [0.1, 0.2], agent: null, type: null },
      ],
    },
  );

  it("has fields, questions with every status, suggestions, external_id and metadata — in column order", () => {
    const sample = toArgillaSample(settings, r);
    expect(Object.keys(sample)).toEqual([
      "text",
      "context",
      "label",
      "label-suggestion",
      "label-suggestion-metadata",
      "pref",
      "pref-suggestion",
      "pref-suggestion-metadata",
      "tags",
      "tags-suggestion",
      "tags-suggestion-metadata",
      "external_id",
      "metadata",
    ]);
    expect(sample).toEqual({
      text: "hello",
      context: null, // missing optional field
      label: [
        { user_id: "u1", value: "a", status: "submitted" },
        { user_id: "u2", value: "b", status: "draft" },
      ],
      "label-suggestion": "b",
      "label-suggestion-metadata": { type: "model", score: 0.9, agent: "model-x" },
      // ranking values are dicts of parallel lists, as `datasets` returns them
      pref: [{ user_id: "u1", value: { rank: [1, 2], value: ["r1", "r2"] }, status: "submitted" }],
      "pref-suggestion": { rank: [2, 1], value: ["r1", "r2"] },
      "pref-suggestion-metadata": { type: null, score: [0.1, 0.2], agent: null },
      tags: [{ user_id: null, value: ["x"], status: "discarded" }],
      "tags-suggestion": null,
      "tags-suggestion-metadata": { type: null, score: null, agent: null },
      external_id: "ext-7",
      metadata: '{"source": "forum", "score": 0.5}',
    });
  });

  it('writes empty metadata as "{}" and a record without responses as empty lists', () => {
    const sample = toArgillaSample(settings, record("r1", { text: "t", context: "c" }));
    expect(sample.metadata).toBe("{}");
    expect(sample.label).toEqual([]);
    expect(sample.external_id).toBeNull();
  });

  it("adds vectors only when the dataset has vector settings", () => {
    const withVectors = { ...settings, vectors_settings: [{ name: "emb", dimensions: 2 }, { name: "other", dimensions: 3 }] };
    const sample = toArgillaSample(withVectors, record("r1", { text: "t" }, [], { vectors: { emb: [0.1, 0.2] } }));
    expect(sample.vectors).toEqual({ emb: [0.1, 0.2], other: null });
    expect("vectors" in toArgillaSample(settings, record("r1", { text: "t" }))).toBe(false);
  });
});
