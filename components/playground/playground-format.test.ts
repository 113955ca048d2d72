import { describe, expect, it } from "vitest";
import { barPercent, describeValue, formatMetric, formatProbability, formatScore, frontMatterRows, playgroundKind, splitAtAnswer, splitFrontMatter } from "./playground-format";

describe("playgroundKind", () => {
  it("maps each task onto its form, generation tasks and their aliases onto one", () => {
    expect(playgroundKind("text_classification")).toBe("text_classification");
    expect(playgroundKind("question_answering")).toBe("question_answering");
    expect(playgroundKind("sentence_similarity")).toBe("sentence_similarity");
    expect(playgroundKind("reward_modeling")).toBe("reward_modeling");
    for (const task of ["supervised_fine_tuning", "chat_completion", "direct_preference_optimization", "proximal_policy_optimization", "sft", "dpo", "ppo"]) expect(playgroundKind(task)).toBe("generation");
    expect(playgroundKind("toString")).toBeNull();
    expect(playgroundKind("unknown_task")).toBeNull();
  });
});

describe("scores", () => {
  it("reads probabilities as percentages with bars clamped to their track", () => {
    expect(formatProbability(0.8734)).toBe("87.3%");
    expect(formatProbability(1)).toBe("100.0%");
    expect(formatProbability(0)).toBe("0.0%");
    expect(formatProbability(0.0001)).toBe("<0.1%");
    expect(formatProbability(Number.NaN)).toBe("—");
    expect(barPercent(0.25)).toBe(25);
    expect(barPercent(1.2)).toBe(100);
    expect(barPercent(-0.1)).toBe(0);
    expect(barPercent(Number.POSITIVE_INFINITY)).toBe(0);
  });

  it("reads unbounded scores to three decimals, never as -0.000", () => {
    expect(formatScore(0.91234)).toBe("0.912");
    expect(formatScore(-2.5)).toBe("-2.500");
    expect(formatScore(-0.0001)).toBe("0.000");
    expect(formatScore(Number.NEGATIVE_INFINITY)).toBe("—");
  });

  it("reads metrics: integers whole, others to 4 significant digits", () => {
    expect(formatMetric(120)).toBe("120");
    expect(formatMetric(12000)).toBe("12,000");
    expect(formatMetric(0.888888)).toBe("0.8889");
    expect(formatMetric(2.345678)).toBe("2.346");
    expect(formatMetric(0.00001234)).toBe("1.23e-5");
    expect(formatMetric(Number.NaN)).toBe("—");
  });
});

describe("splitAtAnswer", () => {
  it("cuts the answer span at code-point offsets", () => {
    expect(splitAtAnswer("Paris is in France.", 12, 18)).toEqual({ before: "Paris is in ", answer: "France", after: "." });
  });

  it("counts an astral character (emoji) as one, as Python's offsets do", () => {
    const context = "😀 café 🇫🇷 in Paris";
    // Python: context.index("Paris") == 13 (😀, space, c, a, f, é, space, 🇫, 🇷, space, i, n, space)
    expect(splitAtAnswer(context, 13, 18)).toEqual({ before: "😀 café 🇫🇷 in ", answer: "Paris", after: "" });
    expect(context.indexOf("Paris")).toBe(16); // UTF-16 would cut three units later
  });

  it("clamps offsets outside the context or reversed, and never splits a surrogate pair", () => {
    expect(splitAtAnswer("abc", -5, 99)).toEqual({ before: "", answer: "abc", after: "" });
    expect(splitAtAnswer("abc", 2, 1)).toEqual({ before: "ab", answer: "", after: "c" });
    expect(splitAtAnswer("a😀b", 1, 2)).toEqual({ before: "a", answer: "😀", after: "b" });
    expect(splitAtAnswer("abc", Number.NaN, 1)).toEqual({ before: "", answer: "a", after: "bc" });
  });
});

describe("the model card's front matter", () => {
  it("is split from the Markdown after it", () => {
    expect(splitFrontMatter("---\nlicense: mit\ntags:\n  - a\n---\n# Title\n")).toEqual({ yaml: "license: mit\ntags:\n  - a", body: "# Title\n" });
    expect(splitFrontMatter("# No front matter\n---\n")).toEqual({ yaml: null, body: "# No front matter\n---\n" });
  });

  it("reads as rows: lists of scalars joined, nested values as compact text", () => {
    const { rows, error } = frontMatterRows("language: en\ntags:\n  - text-classification\n  - spacy\nmodel-index:\n  - name: m\n    results: [{metrics: [{type: accuracy, value: 0.9}]}]\n");
    expect(error).toBeNull();
    expect(rows).toEqual([
      ["language", "en"],
      ["tags", "text-classification, spacy"],
      ["model-index", "[{name: m, results: [{metrics: [{type: accuracy, value: 0.9}]}]}]"],
    ]);
  });

  it("stays small and in words for hostile or broken YAML", () => {
    const laughs = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}]`);
    const started = performance.now();
    const { rows } = frontMatterRows(laughs.join("\n"));
    expect(performance.now() - started).toBeLessThan(500);
    for (const [, value] of rows) expect(value.length).toBeLessThanOrEqual(300);

    expect(frontMatterRows("a: [unclosed").error).toBe("The card's front matter is not valid YAML; not shown.");
    expect(frontMatterRows("- just\n- a list").error).toBe("The card's front matter is not a list of fields; not shown.");
    expect(frontMatterRows(`x: "${"y".repeat(30_000)}"`).error).toMatch(/longer than 20,000 characters/);
    expect(frontMatterRows("html: <script>alert(1)</script>").rows).toEqual([["html", "<script>alert(1)</script>"]]); // text: React escapes it
    expect(frontMatterRows("").rows).toEqual([]);
  });

  it("caps one long value", () => {
    expect(describeValue("z".repeat(1000))).toHaveLength(300);
    expect(describeValue({ a: null, b: true })).toBe("{a: —, b: true}");
  });
});
