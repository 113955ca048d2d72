import { describe, expect, it } from "vitest";
import { ImportError } from "./errors";
import { parseArgillaCfg, parseArgillaYaml } from "./settings";
import { ALL_TYPES_SETTINGS, ALL_TYPES_SETTINGS_RAW, settingsYaml } from "./test-helpers";

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
    expect(messageOf(() => parseArgillaYaml("- just\n- a list\n"))).toBe('argilla.yaml: expected a mapping with fields and questions, got list ["just","a list"]');
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
    expect(messageOf(() => parseArgillaCfg("{fields: 1}"))).toMatch(/^argilla\.cfg: invalid JSON \(.+\)$/);
    expect(messageOf(() => parseArgillaCfg(JSON.stringify({ fields: [], questions: [] })))).toBe(
      "argilla.cfg: fields: expected at least 1 item(s), got list [] (and 1 more problem)",
    );
  });
});
