import { describe, expect, it } from "vitest";
import { ImportError } from "./errors";
import path from "node:path";
import { afterAll } from "vitest";
import { MAX_SETTINGS_ALIASES, MAX_SETTINGS_BYTES, parseArgillaCfg, parseArgillaYaml, readSettingsFile } from "./settings";
import { ALL_TYPES_SETTINGS, ALL_TYPES_SETTINGS_RAW, errorMessageOf, makeTempDir, removeTempDirs, settingsYaml, writeFiles } from "./test-helpers";

afterAll(removeTempDirs);

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return (error as Error).message;
  }
  throw new Error("expected an ImportError");
}

const EMOTION_YAML = `allow_extra_metadata: true
fields:
- name: text
  required: true
  title: Text
  type: text
  use_markdown: false
guidelines: Pick one emotion.
metadata_properties:
- max: 1000
  min: 1
  name: length
  title: Text length
  type: integer
  visible_for_annotators: true
questions:
- description: null
  labels:
  - joy
  - 'yes'
  name: label
  required: true
  title: Which emotion?
  type: label_selection
  visible_labels: null
vectors_settings: null
`;

describe("parseArgillaYaml", () => {
  it("reads every question type, labels as list and dict", () => {
    expect(parseArgillaYaml(settingsYaml())).toEqual(ALL_TYPES_SETTINGS);
  });

  it("reads an argilla.yaml as PyYAML writes it", () => {
    const settings = parseArgillaYaml(EMOTION_YAML);
    expect(settings.questions[0]).toMatchObject({ name: "label", type: "label_selection", labels: ["joy", "yes"] });
    expect(settings.metadata_properties).toEqual([{ name: "length", title: "Text length", type: "integer", min: 1, max: 1000, visible_for_annotators: true }]);
    expect(settings.guidelines).toBe("Pick one emotion.");
  });

  it("strips pickled UUID ids and per-item settings blocks of older dumps (like from_yaml)", () => {
    const legacy = `fields:
- id: !!python/object:uuid.UUID
    int: 123456789012345678901234567890
  name: text
  required: true
  settings:
    type: text
    use_markdown: false
  title: Text
  type: text
guidelines: null
questions:
- description: null
  id: !!python/object:uuid.UUID
    int: 98765432109876543210
  labels:
    pos: Positive
    neg: Negative
  name: sentiment
  required: true
  settings:
    options:
    - text: Positive
      value: pos
    type: label_selection
  title: Sentiment
  type: label_selection
`;
    const settings = parseArgillaYaml(legacy);
    expect(settings.fields).toEqual([{ name: "text", title: "Text", required: true, type: "text", use_markdown: false }]);
    expect(settings.questions[0]).toMatchObject({ name: "sentiment", labels: { pos: "Positive", neg: "Negative" } });
  });

  it("defaults a missing title to the capitalised name, like Argilla", () => {
    const settings = parseArgillaYaml("fields:\n- name: myText\nquestions:\n- name: answer\n  type: text\n");
    expect(settings.fields[0]!.title).toBe("Mytext");
    expect(settings.questions[0]!.title).toBe("Answer");
  });

  it("names the file and key path of a schema error", () => {
    const raw = structuredClone(ALL_TYPES_SETTINGS_RAW) as Record<string, any>;
    raw.questions[0].labels = 3;
    expect(messageOf(() => parseArgillaYaml(settingsYaml(raw)))).toBe("argilla.yaml: questions[0].labels: expected a list or a mapping, got number 3");

    raw.questions[0].labels = [];
    expect(messageOf(() => parseArgillaYaml(settingsYaml(raw)))).toBe("argilla.yaml: questions[0].labels: expected at least 1 item(s), got list []");
  });

  it("reports an unknown question type with the valid ones", () => {
    const raw = structuredClone(ALL_TYPES_SETTINGS_RAW) as Record<string, any>;
    raw.questions[3].type = "stars";
    expect(messageOf(() => parseArgillaYaml(settingsYaml(raw)))).toBe(
      'argilla.yaml: questions[3].type: expected one of [text, label_selection, multi_label_selection, rating, ranking, span], got "stars"',
    );
  });

  it("reports a wrong value type and a missing key", () => {
    const raw = structuredClone(ALL_TYPES_SETTINGS_RAW) as Record<string, any>;
    raw.questions[3].values = [1, "2"];
    expect(messageOf(() => parseArgillaYaml(settingsYaml(raw)))).toBe('argilla.yaml: questions[3].values[1]: expected a number, got string "2"');
    expect(messageOf(() => parseArgillaYaml("fields:\n- name: text\n  title: Text\n"))).toBe(
      "argilla.yaml: questions: expected a list, got nothing (the key is missing)",
    );
  });

  it("rejects duplicate field and question names", () => {
    const raw = structuredClone(ALL_TYPES_SETTINGS_RAW) as Record<string, any>;
    raw.questions[2].name = "label";
    expect(messageOf(() => parseArgillaYaml(settingsYaml(raw)))).toBe('argilla.yaml: questions[2].name: duplicate question name "label" (also questions[0])');
    const fields = structuredClone(ALL_TYPES_SETTINGS_RAW) as Record<string, any>;
    fields.fields[1].name = "text";
    expect(messageOf(() => parseArgillaYaml(settingsYaml(fields)))).toBe('argilla.yaml: fields[1].name: duplicate field name "text" (also fields[0])');
  });

  it("rejects a span question on an unknown field", () => {
    const raw = structuredClone(ALL_TYPES_SETTINGS_RAW) as Record<string, any>;
    raw.questions[6].field = "body";
    expect(messageOf(() => parseArgillaYaml(settingsYaml(raw)))).toBe('argilla.yaml: questions[6].field: expected a field name, one of [text, context], got "body"');
  });

  it("reports invalid YAML with its line", () => {
    const error = (() => {
      try {
        parseArgillaYaml("fields:\n- name: text\n  title: [unclosed\nquestions: []\n", "emotion/argilla.yaml");
      } catch (e) {
        return e as ImportError;
      }
    })();
    expect(error).toBeInstanceOf(ImportError);
    expect(error!.message).toMatch(/^emotion\/argilla\.yaml line \d+: invalid YAML \(.+\)$/);
  });

  it("rejects a file that is not a mapping", () => {
    // Only the type: the file may be something else entirely, and its content is never shown.
    expect(messageOf(() => parseArgillaYaml("- just\n- a list\n"))).toBe("argilla.yaml: expected a mapping with fields and questions, got a list");
    expect(messageOf(() => parseArgillaYaml("just a line of text\n"))).toBe("argilla.yaml: expected a mapping with fields and questions, got a string");
  });
});

describe("parseArgillaCfg (legacy JSON, Argilla <= 1.12)", () => {
  it("converts 1.8-style settings blocks (type and options inside `settings`)", () => {
    const cfg = {
      fields: [
        { id: "f1", name: "text", title: "Text", required: true, settings: { type: "text", use_markdown: true }, inserted_at: "x", updated_at: "y" },
      ],
      questions: [
        {
          id: "q1",
          name: "label",
          title: "Label",
          description: null,
          required: true,
          settings: { type: "label_selection", options: [{ value: "joy", text: "joy" }, { value: "sad", text: "sad" }], visible_options: 2 },
        },
        {
          name: "sentiment",
          title: "Sentiment",
          required: false,
          settings: { type: "multi_label_selection", options: [{ value: "pos", text: "Positive" }, { value: "neg", text: "Negative" }] },
        },
        { name: "quality", title: "Quality", required: true, settings: { type: "rating", options: [{ value: 1 }, { value: 2 }, { value: 3 }] } },
        { name: "order", title: "Order", required: true, settings: { type: "ranking", options: [{ value: "a", text: "A" }, { value: "b", text: "B" }] } },
        { name: "answer", title: "Answer", required: false, settings: { type: "text", use_markdown: false } },
      ],
      guidelines: "Be kind.",
    };
    const settings = parseArgillaCfg(JSON.stringify(cfg));
    expect(settings.fields).toEqual([{ name: "text", title: "Text", required: true, type: "text", use_markdown: true }]);
    expect(settings.questions).toEqual([
      { name: "label", title: "Label", description: null, required: true, type: "label_selection", labels: ["joy", "sad"], visible_labels: 2 },
      {
        name: "sentiment",
        title: "Sentiment",
        description: null,
        required: false,
        type: "multi_label_selection",
        labels: { pos: "Positive", neg: "Negative" },
        visible_labels: null,
        labels_order: "natural",
      },
      { name: "quality", title: "Quality", description: null, required: true, type: "rating", values: [1, 2, 3] },
      { name: "order", title: "Order", description: null, required: true, type: "ranking", values: ["a", "b"] },
      { name: "answer", title: "Answer", description: null, required: false, type: "text", use_markdown: false },
    ]);
    expect(settings.guidelines).toBe("Be kind.");
    expect(settings.metadata_properties).toBeNull();
  });

  it("reads 1.11/1.12-style entries that already carry type and labels", () => {
    const cfg = {
      fields: [{ name: "text", title: "Text", required: true, type: "text", settings: { type: "text" } }],
      questions: [{ name: "label", title: "Label", required: true, type: "label_selection", labels: ["a", "b"], settings: { type: "label_selection", options: [{ value: "a", text: "a" }, { value: "b", text: "b" }] } }],
    };
    expect(parseArgillaCfg(JSON.stringify(cfg)).questions[0]).toMatchObject({ type: "label_selection", labels: ["a", "b"] });
  });

  it("reports invalid JSON and schema errors with the file name", () => {
    expect(messageOf(() => parseArgillaCfg("{fields: 1}"))).toBe("argilla.cfg line 1: invalid JSON (column 2: expected a double-quoted property name)");
    expect(messageOf(() => parseArgillaCfg(JSON.stringify({ fields: [], questions: [] })))).toBe(
      "argilla.cfg: fields: expected at least 1 item(s), got list [] (and 1 more problem)",
    );
  });
});

/** Nine levels of ten aliases under `guidelines`: a billion strings once expanded (the issue's bomb). */
export function aliasBombYaml(): string {
  const lines = ["fields:", "- name: text", "  title: Text", "questions:", "- name: label", "  title: Label", "  type: label_selection", "  labels: [a, b]", 'l0: &l0 "lol"'];
  for (let level = 1; level <= 9; level++) lines.push(`l${level}: &l${level} [${Array(10).fill(`*l${level - 1}`).join(", ")}]`);
  lines.push("guidelines: *l9");
  return lines.join("\n") + "\n";
}

describe("hostile settings files", () => {
  const withRaw = (change: (raw: Record<string, any>) => void): string => {
    const raw = structuredClone(ALL_TYPES_SETTINGS_RAW) as Record<string, any>;
    change(raw);
    return settingsYaml(raw);
  };

  it("refuses an alias bomb without expanding it", () => {
    expect(messageOf(() => parseArgillaYaml(aliasBombYaml()))).toBe("argilla.yaml: the settings hold more than 200,000 values once their YAML aliases are expanded");
  });

  it("refuses more aliases than the limit, naming the line", () => {
    const yaml = `${settingsYaml()}anchor: &a x\nmany:\n${"- *a\n".repeat(MAX_SETTINGS_ALIASES + 1)}`;
    expect(messageOf(() => parseArgillaYaml(yaml))).toMatch(/^argilla\.yaml line \d+: invalid YAML \(aliases exceeded maxAliases \(100\)\)$/);
  });

  it("refuses a self-referencing alias (a cycle)", () => {
    expect(messageOf(() => parseArgillaYaml(`${settingsYaml()}loop: &loop [*loop]\n`))).toBe("argilla.yaml: loop[0][0][0][0][0]…: the settings are nested deeper than 100 levels");
  });

  it("refuses text that aliases multiply beyond the limit", () => {
    const yaml = `${settingsYaml()}big: &big "${"x".repeat(100_000)}"\ncopies: [${Array(20).fill("*big").join(", ")}]\n`;
    expect(messageOf(() => parseArgillaYaml(yaml))).toBe("argilla.yaml: the settings hold more than 1 MiB of text once their YAML aliases are expanded");
  });

  it("refuses nesting 5,000 deep with a line (YAML) and a depth (JSON)", () => {
    expect(messageOf(() => parseArgillaYaml(`${settingsYaml()}deep: ${"[".repeat(5000)}${"]".repeat(5000)}\n`))).toMatch(
      /^argilla\.yaml line \d+: invalid YAML \(nesting exceeded maxDepth \(100\)\)$/,
    );
    const cfg = `{"fields": [{"name": "text"}], "questions": [{"name": "q", "type": "text"}], "x": ${"[".repeat(5000)}${"]".repeat(5000)}}`;
    expect(messageOf(() => parseArgillaCfg(cfg))).toBe("argilla.cfg: x[0][0][0][0][0]…: the settings are nested deeper than 100 levels");
  });

  it("refuses a settings file over the size limit, naming the file and the limit", async () => {
    expect(MAX_SETTINGS_BYTES).toBe(256 * 1024);
    const dir = await makeTempDir();
    await writeFiles(dir, { "argilla.yaml": `${settingsYaml()}# ${"x".repeat(MAX_SETTINGS_BYTES)}\n` });
    expect(await errorMessageOf(() => readSettingsFile(path.join(dir, "argilla.yaml"), "emotion/argilla.yaml"))).toBe(
      "emotion/argilla.yaml: the settings file is larger than 256 KiB, the limit for a settings file",
    );
    expect(messageOf(() => parseArgillaYaml("#".repeat(MAX_SETTINGS_BYTES + 1)))).toBe("argilla.yaml: the settings file is larger than 256 KiB, the limit for a settings file");
  });

  it("reads a settings file just under the limit", async () => {
    const dir = await makeTempDir();
    const yaml = settingsYaml();
    await writeFiles(dir, { "argilla.yaml": `${yaml}# ${"x".repeat(MAX_SETTINGS_BYTES - yaml.length - 3)}\n` });
    expect(await readSettingsFile(path.join(dir, "argilla.yaml"))).toEqual(ALL_TYPES_SETTINGS);
  });

  it("refuses invalid UTF-8 instead of replacing it, naming the line", async () => {
    const dir = await makeTempDir();
    const yaml = Buffer.from(settingsYaml().replace("Label everything.", "Label @ everything."));
    yaml[yaml.indexOf("@")] = 0xff;
    await writeFiles(dir, { "argilla.yaml": yaml });
    const line = settingsYaml().split("\n").findIndex((text) => text.includes("Label everything.")) + 1;
    expect(await errorMessageOf(() => readSettingsFile(path.join(dir, "argilla.yaml")))).toBe(`argilla.yaml line ${line}: the file is not valid UTF-8 text`);
  });

  it("never shows a server path when the file cannot be read", async () => {
    const dir = await makeTempDir();
    const message = await errorMessageOf(() => readSettingsFile(path.join(dir, "argilla.yaml")));
    expect(message).toBe("argilla.yaml: cannot read the file (ENOENT)");
  });

  it("parses a file of blank lines in linear time (the UUID-stripping pattern)", () => {
    expect(messageOf(() => parseArgillaYaml("\n".repeat(MAX_SETTINGS_BYTES - 40) + "id: !!python/object:uuid.UUID"))).toMatch(/^argilla\.yaml line \d+: invalid YAML/);
  }, 10_000);

  it("refuses NUL characters and lone surrogates anywhere in the settings, naming the key", () => {
    expect(messageOf(() => parseArgillaYaml(withRaw((raw) => (raw.guidelines = "a\u0000b"))))).toBe(
      "argilla.yaml: guidelines: the text holds a NUL character (\\u0000), which the database cannot store",
    );
    expect(messageOf(() => parseArgillaYaml(withRaw((raw) => (raw.questions[0].labels[1] = "sad\ud800"))))).toBe(
      "argilla.yaml: questions[0].labels[1]: the text holds a lone UTF-16 surrogate (such as \\ud800), which is not valid Unicode",
    );
    expect(messageOf(() => parseArgillaCfg('{"fields": [{"name": "te\\u0000xt"}], "questions": []}'))).toBe(
      "argilla.cfg: fields[0].name: the text holds a NUL character (\\u0000), which the database cannot store",
    );
  });

  it("refuses duplicate labels and values in a question (Argilla's unique_items)", () => {
    expect(messageOf(() => parseArgillaYaml(withRaw((raw) => (raw.questions[0].labels = ["joy", "anger", "joy"]))))).toBe(
      'argilla.yaml: questions[0].labels[2]: duplicate label "joy" (also labels[0])',
    );
    expect(messageOf(() => parseArgillaYaml(withRaw((raw) => (raw.questions[3].values = [1, 2, 2]))))).toBe(
      "argilla.yaml: questions[3].values[2]: duplicate value 2 (also values[1])",
    );
    expect(messageOf(() => parseArgillaYaml(withRaw((raw) => (raw.questions[4].values = ["a", "a"]))))).toBe(
      'argilla.yaml: questions[4].values[1]: duplicate ranking value "a" (also values[0])',
    );
    expect(messageOf(() => parseArgillaYaml(withRaw((raw) => (raw.questions[6].labels[1].value = "PER"))))).toBe(
      'argilla.yaml: questions[6].labels[1]: duplicate label "PER" (also labels[0])',
    );
  });

  it("refuses a numeric metadata property whose min is greater than its max", () => {
    const yaml = withRaw((raw) => (raw.metadata_properties = [{ name: "stars", type: "integer", min: 5, max: 1 }]));
    expect(messageOf(() => parseArgillaYaml(yaml))).toBe("argilla.yaml: metadata_properties[0]: min (5) is greater than max (1)");
    expect(parseArgillaYaml(withRaw((raw) => (raw.metadata_properties = [{ name: "stars", type: "float", min: 1, max: 1 }]))).metadata_properties).toHaveLength(1);
  });

  it("reports invalid JSON in argilla.cfg by line and column, never quoting the file", () => {
    const message = messageOf(() => parseArgillaCfg('{\n  "fields": [],\n  "secret": tru\n}'));
    expect(message).toBe("argilla.cfg line 3: invalid JSON (column 13: an unexpected character where a value should be)");
    expect(messageOf(() => parseArgillaCfg("root:*:19000:0:99999:7:::"))).toBe("argilla.cfg line 1: invalid JSON (column 1: an unexpected character where a value should be)");
  });
});
