/**
 * The function path's rows are exactly what the user's function returns for Argilla's sample:
 * the same function run by Node on JSON.parse(JSON.stringify(sample)) (what the sandbox was given
 * before samples travelled in QuickJS's binary format) gives the same text, byte for byte, over
 * enough records to cover decoded runs, byte-capped runs, slices, two workers and the prepare's
 * read-ahead.
 */
import { describe, expect, it } from "vitest";
import { prepareForTraining } from "../prepare-for-training";
import { toArgillaSample } from "../sample";
import { parseTrainingTask } from "../tasks/schema";
import { dataset, pages, question, record, submitted, draft } from "../test-helpers";
import { createFormattingSandbox } from "./index";

const settings = dataset(["instruction", "context?", "response"], [question.text("corrected-response"), question.rating("quality", [1, 2, 3, 4, 5])]);

const TEXTS = [
  "plain text",
  'quotes " and \\ backslashes \n newlines \t tabs',
  "café naïve — ÿ",
  "日本語のテキスト",
  "emoji 🎉🚀 and a lone surrogate \ud800",
  "",
];
/** Bigger than a decoded run may be: such a record goes alone. */
const LARGE = "x".repeat(300 * 1024);

const records = Array.from({ length: 1100 }, (_, i) =>
  record(
    `r${i}`,
    {
      instruction: i % 250 === 5 ? LARGE : `${TEXTS[i % TEXTS.length]} #${i}`,
      context: i % 3 === 0 ? null : TEXTS[(i + 1) % TEXTS.length]!,
      response: TEXTS[(i + 2) % TEXTS.length]!,
    },
    [
      submitted({ "corrected-response": `fixed ${i} ${TEXTS[(i + 3) % TEXTS.length]}`, quality: (i % 5) + 1 }),
      draft({ quality: 2.5 }),
    ],
    { metadata: { n: i, ratio: i / 7, tags: ["a", "ü"], nested: { deep: [1, null, true] } }, externalId: i % 2 ? `ext-${i}` : null },
  ),
);

/** Argilla's SFT formatting function, plus the whole sample as the sandbox saw it. */
const SOURCE = `function formatting_func(sample) {
  const corrected = sample["corrected-response"].filter((r) => r.status === "submitted").map((r) => r.value);
  const response = corrected.length > 0 ? corrected[0] : sample.response;
  const seen = JSON.stringify(sample);
  if (sample.context) return \`### Instruction: \${sample.instruction}\\n### Context: \${sample.context}\\n### Response: \${response}\\n\${seen}\`;
  return \`### Instruction: \${sample.instruction}\\n### Response: \${response}\\n\${seen}\`;
}`;

describe("the formatting-function path", () => {
  it("gives the rows the function gives for the JSON of each record's sample, byte for byte", async () => {
    const task = parseTrainingTask({ task: "supervised_fine_tuning", formatting_func: { language: "javascript", source: SOURCE } });
    const prepared = await prepareForTraining({ settings, task, framework: "trl", records: pages(records, 100) });

    const formattingFunc = new Function(`${SOURCE}; return formatting_func;`)() as (sample: unknown) => string;
    const expected = records.map((r) => formattingFunc(JSON.parse(JSON.stringify(toArgillaSample(settings, r)))));
    const texts = prepared.train.map((row) => (row as { text: string }).text);
    expect(texts.length).toBe(records.length);
    // The split shuffles; compared sorted, by index so a difference shows without printing 1,100 rows.
    texts.sort();
    expected.sort();
    const firstDifference = texts.findIndex((text, i) => text !== expected[i]);
    expect(firstDifference === -1 ? "same" : { ours: texts[firstDifference]!.slice(0, 2000), expected: expected[firstDifference]!.slice(0, 2000) }).toBe("same");
  });

  it("returns every string exactly, those a C string would change (NUL, lone surrogates) included", async () => {
    const strings = ["plain", "", "s starts like the raw marker", "{\"kind\":\"value\"}", "nul \u0000 inside", "lone \ud800 surrogate", "pair 🎉", "日本語"];
    const sandbox = await createFormattingSandbox("(sample) => sample.text");
    try {
      const outcomes = await sandbox.callMany(strings.map((text) => ({ sample: { text } })));
      expect(outcomes).toEqual(strings.map((text) => ({ ok: true, result: { kind: "value", value: text } })));
    } finally {
      sandbox.dispose();
    }
  });
});
