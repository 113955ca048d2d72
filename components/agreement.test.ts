import { describe, expect, it } from "vitest";
import { questionAgreement, recordAgreement } from "./agreement";
import type { ResponseStatus, ResponseValue } from "~/server/feedback/schema";

const submitted = (values: Record<string, ResponseValue>) => ({ status: "submitted" as ResponseStatus, values });
const labels = (...values: string[]) => values.map((label) => submitted({ label }));

describe("questionAgreement", () => {
  it("is none without answers and single with one", () => {
    expect(questionAgreement([], "label")).toEqual({ level: "none", answers: 0, topCount: 0 });
    expect(questionAgreement(labels("pos"), "label")).toEqual({ level: "single", answers: 1, topCount: 1 });
  });

  it("is unanimous when two or more answers are equal", () => {
    expect(questionAgreement(labels("pos", "pos"), "label").level).toBe("unanimous");
    expect(questionAgreement(labels("pos", "pos", "pos"), "label")).toEqual({ level: "unanimous", answers: 3, topCount: 3 });
  });

  it("is majority when one value is held by more than half", () => {
    expect(questionAgreement(labels("pos", "pos", "neg"), "label")).toEqual({ level: "majority", answers: 3, topCount: 2 });
  });

  it("is split otherwise (exactly half is not a majority)", () => {
    expect(questionAgreement(labels("pos", "neg"), "label").level).toBe("split");
    expect(questionAgreement(labels("pos", "pos", "neg", "neg"), "label").level).toBe("split");
    expect(questionAgreement(labels("a", "b", "c"), "label").level).toBe("split");
  });

  it("counts only submitted responses that answer the question", () => {
    const responses = [
      submitted({ label: "pos" }),
      { status: "draft" as const, values: { label: "neg" } },
      { status: "discarded" as const, values: { label: "neg" } },
      submitted({ other: "x" }),
      submitted({ label: "pos" }),
    ];
    expect(questionAgreement(responses, "label")).toEqual({ level: "unanimous", answers: 2, topCount: 2 });
  });

  it("treats multi-labels as sets and rankings as value→rank maps", () => {
    const multi = [submitted({ tags: ["a", "b"] }), submitted({ tags: ["b", "a"] })];
    expect(questionAgreement(multi, "tags").level).toBe("unanimous");
    const ranking = [
      submitted({ rank: [{ value: "x", rank: 1 }, { value: "y", rank: 2 }] }),
      submitted({ rank: [{ value: "y", rank: 2 }, { value: "x", rank: 1 }] }),
      submitted({ rank: [{ value: "x", rank: 2 }, { value: "y", rank: 1 }] }),
    ];
    expect(questionAgreement(ranking, "rank")).toEqual({ level: "majority", answers: 3, topCount: 2 });
  });
});

describe("recordAgreement", () => {
  const questions = [
    { name: "label", type: "label_selection" as const },
    { name: "score", type: "rating" as const },
    { name: "comment", type: "text" as const },
  ];

  it("is the least agreed question's level", () => {
    const responses = [submitted({ label: "a", score: 1 }), submitted({ label: "a", score: 2 })];
    expect(recordAgreement(responses, questions)).toBe("split");
    expect(recordAgreement([submitted({ label: "a", score: 1 }), submitted({ label: "a", score: 1 })], questions)).toBe("unanimous");
  });

  it("prefers a multi-answer level over single, and ignores free-text questions", () => {
    const responses = [submitted({ label: "a", comment: "fine" }), submitted({ label: "a", score: 5, comment: "ok" })];
    expect(recordAgreement(responses, questions)).toBe("unanimous");
  });

  it("is single or none when nobody else answered", () => {
    expect(recordAgreement([submitted({ label: "a" })], questions)).toBe("single");
    expect(recordAgreement([{ status: "draft", values: { label: "a" } }], questions)).toBe("none");
  });
});
