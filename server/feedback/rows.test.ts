import { describe, expect, it } from "vitest";
import { ImportError } from "./errors";
import { createRowParser, parseExportRow } from "./rows";
import { datasetSettingsSchema } from "./schema";
import { ALL_TYPES_SETTINGS, ALL_TYPES_SETTINGS_RAW, exportRow, legacyExportRow } from "./test-helpers";

const FILE = "data/train.jsonl";
const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";
const U3 = "33333333-3333-4333-8333-333333333333";

/** Parse one row as line 1 of data/train.jsonl. */
function parse(row: Record<string, unknown>) {
  return parseExportRow(row, ALL_TYPES_SETTINGS, { file: FILE, line: 1 });
}

function errorOf(run: () => unknown): ImportError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return error as ImportError;
  }
  throw new Error("expected an ImportError");
}

describe("values of every question type, in both response layouts", () => {
  const cases: [question: string, raw: unknown, normalised: unknown][] = [
    ["label", "joy", "joy"],
    ["sentiment", "neg", "neg"], // labels given as a {value: title} dict
    ["tags", ["python", "css"], ["python", "css"]],
    ["quality", 4, 4],
    // ranking as `datasets` returns it (dict of lists) and as a list of {rank, value}
    ["preference", { rank: [2, 1, 3], value: ["a", "b", "c"] }, [{ value: "a", rank: 2 }, { value: "b", rank: 1 }, { value: "c", rank: 3 }]],
    ["preference", [{ rank: 1, value: "c" }, { rank: null, value: "a" }], [{ value: "c", rank: 1 }, { value: "a", rank: null }]],
    ["answer", "Because.", "Because."],
    // span as dict of lists (text dropped) and as a list of {start, end, label}
    ["entities", { start: [0, 5], end: [4, 9], label: ["PER", "ORG"], text: ["some", "text"] }, [{ start: 0, end: 4, label: "PER" }, { start: 5, end: 9, label: "ORG" }]],
    ["entities", [{ start: 1, end: 3, label: "ORG" }], [{ start: 1, end: 3, label: "ORG" }]],
  ];

  it.each(cases)("1.14 list layout: %s = %j", (question, raw, normalised) => {
    const record = parse(exportRow({ [question]: [{ user_id: U1, value: raw, status: "submitted" }] }));
    expect(record.responses).toEqual([{ userId: U1, status: "submitted", values: { [question]: normalised } }]);
  });

  it.each(cases)("1.13 dict-of-lists layout: %s = %j", (question, raw, normalised) => {
    const record = parse(legacyExportRow({ [question]: { user_id: [U1], value: [raw], status: ["submitted"] } }));
    expect(record.responses).toEqual([{ userId: U1, status: "submitted", values: { [question]: normalised } }]);
  });
});

describe("record shape", () => {
  it("reads fields, external id, metadata and an empty response list", () => {
    const record = parse(exportRow({ text: "hello", context: "ctx", external_id: "ext-1", metadata: '{"source": "forum", "length": 126}' }));
    expect(record).toEqual({
      fields: { text: "hello", context: "ctx" },
      metadata: { source: "forum", length: 126 },
      externalId: "ext-1",
      responses: [],
      suggestions: [],
    });
  });

  it("accepts a missing optional field as null or as an absent key (after the first row)", () => {
    const parseRow = createRowParser(ALL_TYPES_SETTINGS, FILE);
    expect(parseRow(exportRow({ context: null }), 1).fields).toEqual({ text: "some text", context: null });
    const withoutContext = exportRow();
    delete withoutContext.context;
    expect(parseRow(withoutContext, 2).fields).toEqual({ text: "some text", context: null });
  });

  it("merges responses across questions by user, in first-appearance order, status from the first question", () => {
    const record = parse(
      exportRow({
        label: [
          { user_id: U2, value: "joy", status: "draft" },
          { user_id: U1, value: "anger", status: "submitted" },
        ],
        quality: [
          { user_id: U1, value: 2, status: "discarded" }, // status stays "submitted" from "label"
          { user_id: U3, value: 5, status: "submitted" },
          { user_id: U2, value: null, status: "draft" }, // null value: not added
        ],
      }),
    );
    expect(record.responses).toEqual([
      { userId: U2, status: "draft", values: { label: "joy" } },
      { userId: U1, status: "submitted", values: { label: "anger", quality: 2 } },
      { userId: U3, status: "submitted", values: { quality: 5 } },
    ]);
  });

  it("merges the 1.13 layout the same way, skipping null slots", () => {
    const record = parse(
      legacyExportRow({
        label: { user_id: [U1, U2], value: ["joy", null], status: ["submitted", "discarded"] },
        tags: { user_id: [U1, U2], value: [["sql"], null], status: ["submitted", "discarded"] },
      }),
    );
    expect(record.responses).toEqual([
      { userId: U1, status: "submitted", values: { label: "joy", tags: ["sql"] } },
      { userId: U2, status: "discarded", values: {} },
    ]);
  });

  it("keeps one 'user without id' response per record, merged across questions, and every real user", () => {
    const record = parse(
      exportRow({
        label: [
          { user_id: null, value: "joy", status: "submitted" },
          { user_id: null, value: "anger", status: "submitted" }, // second null user in a question: dropped
          { user_id: U1, value: "sadness", status: "submitted" }, // kept (Argilla would skip it)
        ],
        quality: [{ user_id: null, value: 3, status: "draft" }],
      }),
    );
    expect(record.responses).toEqual([
      { userId: null, status: "submitted", values: { label: "joy", quality: 3 } },
      { userId: U1, status: "submitted", values: { label: "sadness" } },
    ]);
  });

  it("reads suggestions with null metadata, scalar and list scores, and normalised values", () => {
    const record = parse(
      exportRow({
        "label-suggestion": "joy",
        "label-suggestion-metadata": { type: null, score: null, agent: null },
        "tags-suggestion": ["python"],
        "tags-suggestion-metadata": { type: "model", score: [0.92], agent: "tagger" },
        "quality-suggestion": 4,
        "quality-suggestion-metadata": { type: "human", score: 0.5, agent: null },
        "preference-suggestion": { rank: [1, 2], value: ["b", "a"] },
        "preference-suggestion-metadata": null,
        "entities-suggestion": { start: [0], end: [4], label: ["PER"], text: ["some"], score: [0.7] },
        "entities-suggestion-metadata": { type: "model", score: [0.7], agent: "ner" },
        "answer-suggestion": null, // no suggestion
        "answer-suggestion-metadata": { type: null, score: null, agent: null },
      }),
    );
    expect(record.suggestions).toEqual([
      { question: "label", value: "joy", score: null, agent: null, type: null },
      { question: "tags", value: ["python"], score: [0.92], agent: "tagger", type: "model" },
      { question: "quality", value: 4, score: 0.5, agent: null, type: "human" },
      { question: "preference", value: [{ value: "b", rank: 1 }, { value: "a", rank: 2 }], score: null, agent: null, type: null },
      { question: "entities", value: [{ start: 0, end: 4, label: "PER" }], score: [0.7], agent: "ner", type: "model" },
    ]);
  });

  it("accepts older exports without suggestion columns", () => {
    const row = exportRow({ label: [{ user_id: U1, value: "joy", status: "submitted" }] });
    for (const key of Object.keys(row)) if (key.includes("-suggestion")) delete row[key];
    expect(parse(row).suggestions).toEqual([]);
  });

  it("reads metadata written by Python json.dumps (', ' separators, \\u escapes, NaN), objects and null", () => {
    expect(parse(exportRow({ metadata: '{"city": "M\\u00fcnchen", "tags": ["a", "b"], "n": 1.5}' })).metadata).toEqual({
      city: "München",
      tags: ["a", "b"],
      n: 1.5,
    });
    expect(parse(exportRow({ metadata: '{"score": NaN, "max": Infinity, "note": "NaN stays"}' })).metadata).toEqual({
      score: null,
      max: null,
      note: "NaN stays",
    });
    expect(parse(exportRow({ metadata: "{}" })).metadata).toEqual({});
    expect(parse(exportRow({ metadata: null })).metadata).toEqual({});
    expect(parse(exportRow({ metadata: { already: "parsed" } })).metadata).toEqual({ already: "parsed" });
  });

  it("reads configured vectors as {name: number[] | null}", () => {
    const settings = datasetSettingsSchema.parse({
      ...ALL_TYPES_SETTINGS_RAW,
      vectors_settings: [
        { name: "emb", title: "Embedding", dimensions: 3 },
        { name: "other", title: "Other", dimensions: 2 },
      ],
    });
    const record = parseExportRow(exportRow({ vectors: { emb: [0.1, 0.2, 0.3], other: null, unknown: [1] } }), settings, { file: FILE, line: 1 });
    expect(record.vectors).toEqual({ emb: [0.1, 0.2, 0.3], other: null });
    const error = errorOf(() => parseExportRow(exportRow({ vectors: { emb: [1, 2] } }), settings, { file: FILE, line: 4 }));
    expect(error.message).toBe('data/train.jsonl line 4, column "vectors": expected vector "emb" to be a list of 3 numbers, got list [1,2]');
  });

  it("ignores unknown columns, including ones that look like questions", () => {
    const record = parse(exportRow({ "not-a-question": [{ user_id: U1, value: "x", status: "submitted" }], extra: 1 }));
    expect(record.responses).toEqual([]);
  });
});

describe("errors name file, line or row, column and expectation", () => {
  it("a label outside the question's labels", () => {
    const error = errorOf(() => createRowParser(ALL_TYPES_SETTINGS, FILE)(exportRow({ label: [{ user_id: U1, value: "happy", status: "submitted" }] }), 12));
    expect(error.message).toBe('data/train.jsonl line 12, column "label": expected one of [joy, sadness, anger], got "happy"');
    expect(error).toMatchObject({ file: FILE, line: 12, column: "label", expected: "one of [joy, sadness, anger]" });
  });

  it("a label outside dict labels (keys are the values)", () => {
    const error = errorOf(() => parse(exportRow({ sentiment: [{ user_id: U1, value: "Positive", status: "submitted" }] })));
    expect(error.message).toBe('data/train.jsonl line 1, column "sentiment": expected one of [pos, neg], got "Positive"');
  });

  it("a rating outside its values", () => {
    const error = errorOf(() => parse(exportRow({ quality: [{ user_id: U1, value: 7, status: "submitted" }] })));
    expect(error.message).toBe('data/train.jsonl line 1, column "quality": expected one of [1, 2, 3, 4, 5], got 7');
  });

  it("a wrong JSON type", () => {
    const error = errorOf(() => parse(exportRow({ quality: [{ user_id: U1, value: "3", status: "submitted" }] })));
    expect(error.message).toBe('data/train.jsonl line 1, column "quality": expected integer, got string "3"');
  });

  it("a multi-label value that is not a list, and one with an unknown label", () => {
    expect(errorOf(() => parse(exportRow({ tags: [{ user_id: U1, value: "sql", status: "submitted" }] }))).message).toBe(
      'data/train.jsonl line 1, column "tags": expected a list of labels, got string "sql"',
    );
    expect(errorOf(() => parse(exportRow({ tags: [{ user_id: U1, value: ["sql", "rust"], status: "submitted" }] }))).message).toBe(
      'data/train.jsonl line 1, column "tags": expected one of [python, sql, css], got "rust"',
    );
  });

  it("a ranking with an unknown value or a non-integer rank", () => {
    expect(errorOf(() => parse(exportRow({ preference: [{ user_id: U1, value: { rank: [1], value: ["z"] }, status: "submitted" }] }))).message).toBe(
      'data/train.jsonl line 1, column "preference": expected one of [a, b, c], got "z"',
    );
    expect(errorOf(() => parse(exportRow({ preference: [{ user_id: U1, value: { rank: ["1"], value: ["a"] }, status: "submitted" }] }))).message).toBe(
      'data/train.jsonl line 1, column "preference": expected rank to be an integer >= 1 or null, got string "1"',
    );
  });

  it("a span with an unknown label", () => {
    expect(errorOf(() => parse(exportRow({ entities: [{ user_id: U1, value: { start: [0], end: [2], label: ["LOC"] }, status: "submitted" }] }))).message).toBe(
      'data/train.jsonl line 1, column "entities": expected one of [PER, ORG], got "LOC"',
    );
  });

  it("a text answer that is not a string", () => {
    expect(errorOf(() => parse(exportRow({ answer: [{ user_id: U1, value: 42, status: "submitted" }] }))).message).toBe(
      'data/train.jsonl line 1, column "answer": expected a string, got number 42',
    );
  });

  it("an unknown response status", () => {
    expect(errorOf(() => parse(exportRow({ label: [{ user_id: U1, value: "joy", status: "pending" }] }))).message).toBe(
      'data/train.jsonl line 1, column "label": expected status to be one of [submitted, draft, discarded], got "pending"',
    );
  });

  it("a suggestion outside the labels names the suggestion column", () => {
    expect(errorOf(() => parse(exportRow({ "label-suggestion": "happy" }))).message).toBe(
      'data/train.jsonl line 1, column "label-suggestion": expected one of [joy, sadness, anger], got "happy"',
    );
  });

  it("a required field that is null or not a string", () => {
    expect(errorOf(() => parse(exportRow({ text: null }))).message).toBe(
      'data/train.jsonl line 1, column "text": expected a string (the field is required), got null',
    );
    expect(errorOf(() => parse(exportRow({ text: 5 }))).message).toBe('data/train.jsonl line 1, column "text": expected a string (the field is required), got number 5');
  });

  it("a column declared in argilla.yaml but missing from the first row", () => {
    const row = exportRow();
    delete row.tags;
    const error = errorOf(() => createRowParser(ALL_TYPES_SETTINGS, FILE)(row, 1));
    expect(error.message).toBe('data/train.jsonl line 1, column "tags": the column is declared in argilla.yaml but missing from the data');
    expect(error.column).toBe("tags");
  });

  it("a question column missing from a later row just means no responses", () => {
    const parseRow = createRowParser(ALL_TYPES_SETTINGS, FILE);
    parseRow(exportRow(), 1);
    const row = exportRow();
    delete row.tags;
    expect(parseRow(row, 2).responses).toEqual([]);
  });

  it("a response column of the wrong shape", () => {
    expect(errorOf(() => parse(exportRow({ label: "joy" }))).message).toBe(
      'data/train.jsonl line 1, column "label": expected a list of {user_id, value, status} (or the 1.13 layout {user_id: [...], value: [...], status: [...]}), got string "joy"',
    );
  });

  it("invalid metadata JSON", () => {
    expect(errorOf(() => parse(exportRow({ metadata: "{'a': 1}" }))).message).toMatch(
      /^data\/train\.jsonl line 1, column "metadata": invalid JSON in the metadata string \(.+\)$/,
    );
  });

  it("a row that is not an object", () => {
    expect(errorOf(() => createRowParser(ALL_TYPES_SETTINGS, FILE)([1, 2], 3)).message).toBe(
      "data/train.jsonl line 3: expected a JSON object with one key per column, got list [1,2]",
    );
  });

  it("Parquet positions are rows", () => {
    const parseRow = createRowParser(ALL_TYPES_SETTINGS, "data/train-00000-of-00001.parquet");
    const error = errorOf(() => parseRow(exportRow({ quality: [{ user_id: U1, value: 0, status: "submitted" }] }), 5));
    expect(error.message).toBe('data/train-00000-of-00001.parquet row 5, column "quality": expected one of [1, 2, 3, 4, 5], got 0');
    expect(error.row).toBe(5);
  });
});

describe("throughput", () => {
  it("parses 100k generated rows (printed, not asserted)", () => {
    const users = [U1, U2, U3];
    const labels = ["joy", "sadness", "anger"];
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      lines.push(
        JSON.stringify(
          exportRow({
            text: `Record number ${i} with some text that is about as long as a tweet, maybe a little longer than that.`,
            label: users.map((user_id, u) => ({ user_id, value: labels[(i + u) % 3], status: u === 2 ? "draft" : "submitted" })),
            quality: users.slice(0, 2).map((user_id, u) => ({ user_id, value: ((i + u) % 5) + 1, status: "submitted" })),
            "label-suggestion": labels[i % 3],
            "label-suggestion-metadata": { type: "model", score: 0.8, agent: "clf" },
            external_id: `rec-${i}`,
            metadata: `{"source": "forum", "length": ${i % 1000}}`,
          }),
        ),
      );
    }
    const rows = lines.map((line) => JSON.parse(line) as unknown);

    const parseRow = createRowParser(ALL_TYPES_SETTINGS, FILE);
    let started = performance.now();
    for (let i = 0; i < rows.length; i++) parseRow(rows[i], i + 1);
    const validateSeconds = (performance.now() - started) / 1000;

    const parseRowAgain = createRowParser(ALL_TYPES_SETTINGS, FILE);
    started = performance.now();
    for (let i = 0; i < lines.length; i++) parseRowAgain(JSON.parse(lines[i]!), i + 1);
    const withJsonSeconds = (performance.now() - started) / 1000;

    console.log(
      `row parser: ${Math.round(rows.length / validateSeconds).toLocaleString("en")} rows/s (validation + normalisation), ` +
        `${Math.round(lines.length / withJsonSeconds).toLocaleString("en")} rows/s including JSON.parse`,
    );
  });
});

describe("text the database cannot store is refused at import, naming line and column", () => {
  const NUL = "the text holds a NUL character (\\u0000), which the database cannot store";
  const LONE = "the text holds a lone UTF-16 surrogate (such as \\ud800), which is not valid Unicode";
  const at = (line: number, row: Record<string, unknown>) => errorOf(() => createRowParser(ALL_TYPES_SETTINGS, FILE)(row, line)).message;

  it("in a field", () => {
    expect(at(15, exportRow({ text: "nul\u0000here" }))).toBe(`data/train.jsonl line 15, column "text": ${NUL}`);
    expect(at(2, exportRow({ context: "lone \ud800 surrogate" }))).toBe(`data/train.jsonl line 2, column "context": ${LONE}`);
    expect(at(3, exportRow({ text: "a trailing low surrogate \udc00" }))).toBe(`data/train.jsonl line 3, column "text": ${LONE}`);
  });

  it("keeps well-formed text: emoji (surrogate pairs), escapes, other control characters", () => {
    const text = "emoji 😀 \u0001 \t tab, ünïcödé, \\u0000 as six characters";
    expect(parse(exportRow({ text })).fields.text).toBe(text);
  });

  it("in a text answer, a user id, a suggestion agent and an external id", () => {
    expect(at(4, exportRow({ answer: [{ user_id: U1, value: "a\u0000", status: "submitted" }] }))).toBe(`data/train.jsonl line 4, column "answer": ${NUL}`);
    expect(at(5, exportRow({ label: [{ user_id: "\ud800", value: "joy", status: "submitted" }] }))).toBe(`data/train.jsonl line 5, column "label": ${LONE}`);
    expect(at(6, exportRow({ "label-suggestion": "joy", "label-suggestion-metadata": { type: "model", score: 0.5, agent: "m\u0000" } }))).toBe(
      `data/train.jsonl line 6, column "label-suggestion-metadata": ${NUL}`,
    );
    expect(at(7, exportRow({ "answer-suggestion": "x\ud800" }))).toBe(`data/train.jsonl line 7, column "answer-suggestion": ${LONE}`);
    expect(at(8, exportRow({ external_id: "id\u0000" }))).toBe(`data/train.jsonl line 8, column "external_id": ${NUL}`);
  });

  it("in metadata keys and values, nested ones included (the metadata string of line 15)", () => {
    expect(at(15, exportRow({ metadata: JSON.stringify({ note: "a\u0000b" }) }))).toBe(`data/train.jsonl line 15, column "metadata": metadata "note": ${NUL}`);
    expect(at(15, exportRow({ metadata: JSON.stringify({ ["k\u0000"]: 1 }) }))).toBe(`data/train.jsonl line 15, column "metadata": a metadata key: ${NUL}`);
    expect(at(15, exportRow({ metadata: JSON.stringify({ deep: { list: [1, { x: "\ud800" }] } }) }))).toBe(`data/train.jsonl line 15, column "metadata": metadata "deep": ${LONE}`);
    expect(at(15, exportRow({ metadata: { deep: { ["\ud800"]: 1 } } }))).toBe(`data/train.jsonl line 15, column "metadata": metadata "deep", a key inside it: ${LONE}`);
  });
});

describe("metadata is checked against the metadata properties (Argilla 1.x)", () => {
  const settings = datasetSettingsSchema.parse({
    ...ALL_TYPES_SETTINGS_RAW,
    metadata_properties: [
      { name: "stars", type: "integer", min: 1, max: 5 },
      { name: "source", type: "terms", values: ["web", "mail"] },
      { name: "score", type: "float", min: 0 },
      { name: "tag", type: "terms" },
    ],
  });
  const parseWith = (metadata: unknown, row = 9, base = settings) => createRowParser(base, FILE)(exportRow({ metadata: JSON.stringify(metadata) }, base), row);
  const messageOf = (metadata: unknown, base = settings) => errorOf(() => parseWith(metadata, 9, base)).message;

  it("accepts values that fit, null for any property, lists of terms and extra keys", () => {
    const metadata = { stars: 5, source: ["web", "mail"], score: 0.5, tag: "anything", other: { nested: [1, "x"] } };
    expect(parseWith(metadata).metadata).toEqual(metadata);
    expect(parseWith({ stars: null, source: null, score: null }).metadata).toEqual({ stars: null, source: null, score: null });
    expect(parseWith({ stars: 3.0, score: 7 }).metadata).toEqual({ stars: 3, score: 7 });
  });

  it("refuses a value outside the property's range", () => {
    expect(messageOf({ stars: 99 })).toBe('data/train.jsonl line 9, column "metadata": expected metadata "stars" to be an integer from 1 to 5, got 99');
    expect(messageOf({ stars: 0 })).toBe('data/train.jsonl line 9, column "metadata": expected metadata "stars" to be an integer from 1 to 5, got 0');
    expect(messageOf({ score: -0.5 })).toBe('data/train.jsonl line 9, column "metadata": expected metadata "score" to be a number >= 0, got -0.5');
  });

  it("refuses a value of the wrong type", () => {
    expect(messageOf({ stars: "three" })).toBe('data/train.jsonl line 9, column "metadata": expected metadata "stars" to be an integer from 1 to 5, got string "three"');
    expect(messageOf({ stars: 2.5 })).toBe('data/train.jsonl line 9, column "metadata": expected metadata "stars" to be an integer from 1 to 5, got number 2.5');
    expect(messageOf({ stars: true })).toBe('data/train.jsonl line 9, column "metadata": expected metadata "stars" to be an integer from 1 to 5, got boolean true');
    expect(messageOf({ score: "0.5" })).toBe('data/train.jsonl line 9, column "metadata": expected metadata "score" to be a number >= 0, got string "0.5"');
    expect(messageOf({ tag: 3 })).toBe('data/train.jsonl line 9, column "metadata": expected metadata "tag" to be a string, got number 3');
  });

  it("refuses a term outside the property's values", () => {
    expect(messageOf({ source: "fax" })).toBe('data/train.jsonl line 9, column "metadata": expected metadata "source" to be one of [web, mail], got "fax"');
    expect(messageOf({ source: ["web", "fax"] })).toBe('data/train.jsonl line 9, column "metadata": expected metadata "source" to be one of [web, mail], got "fax"');
  });

  it("refuses keys that are no property when allow_extra_metadata is false", () => {
    const strict = datasetSettingsSchema.parse({ ...settings, allow_extra_metadata: false });
    expect(parseWith({ stars: 2 }, 9, strict).metadata).toEqual({ stars: 2 });
    expect(messageOf({ stars: 2, colour: "red" }, strict)).toBe(
      'data/train.jsonl line 9, column "metadata": metadata "colour" is not a metadata property of the dataset, and argilla.yaml sets allow_extra_metadata: false',
    );
  });

  it("refuses metadata nested 5,000 deep, with its line", () => {
    const metadata = `{"deep": ${"[".repeat(5000)}${"]".repeat(5000)}}`; // JSON.stringify cannot write it (stack overflow)
    expect(errorOf(() => createRowParser(settings, FILE)(exportRow({ metadata }, settings), 9)).message).toBe(
      'data/train.jsonl line 9, column "metadata": metadata "deep" is nested deeper than 100 levels',
    );
  });

  it("never quotes the metadata string in a JSON error", () => {
    expect(errorOf(() => parse(exportRow({ metadata: '{"secret": tru}' }))).message).toBe(
      'data/train.jsonl line 1, column "metadata": invalid JSON in the metadata string (at character 12: an unexpected character where a value should be)',
    );
  });
});

describe("other values accepted silently before", () => {
  it("a suggestion score that is not a finite number", () => {
    for (const score of ["high", Number.NaN, Number.POSITIVE_INFINITY, [0.5, "x"], [Number.NaN]]) {
      expect(errorOf(() => parse(exportRow({ "label-suggestion": "joy", "label-suggestion-metadata": { type: "model", score, agent: null } }))).message).toMatch(
        /^data\/train\.jsonl line 1, column "label-suggestion-metadata": expected score to be a number, a list of numbers or null, got /,
      );
    }
  });

  it("a value nested 5,000 deep where text is expected gets a short description, not a stack overflow", () => {
    const deep = JSON.parse(`${"[".repeat(5000)}${"]".repeat(5000)}`);
    expect(errorOf(() => parse(exportRow({ answer: [{ user_id: U1, value: deep, status: "submitted" }] }))).message).toBe(
      'data/train.jsonl line 1, column "answer": expected a string, got list […]',
    );
  });
});
