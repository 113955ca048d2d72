import { describe, expect, it } from "vitest";
import { configForm } from "~/server/training-runs/configs";
import { configToJson, fieldKind, inputToValue, jsonToConfig, setSetting, valueToInput, type ConfigValues } from "./config-json";

const setfit = configForm("setfit", "text_classification");
const sft = configForm("trl", "supervised_fine_tuning");
const setting = (form: typeof setfit, name: string) => form.settings.find((s) => s.name === name)!;

/** What typing `text` into the field of `name` makes of the values. */
const type = (form: typeof setfit, values: ConfigValues, name: string, text: string) =>
  setSetting(values, name, inputToValue(fieldKind(setting(form, name).schema), text), form.defaults);

describe("form ↔ JSON", () => {
  it("form → JSON → form gives the same values, for every kind of field", () => {
    let values: ConfigValues = {};
    values = type(setfit, values, "num_epochs", "3");
    values = type(setfit, values, "body_learning_rate", "0.0001");
    values = type(setfit, values, "num_iterations", ""); // nullable: null (pairs by sampling strategy)
    values = type(setfit, values, "sampling_strategy", "unique");
    values = type(setfit, values, "use_amp", "true");
    expect(values).toEqual({ num_epochs: 3, body_learning_rate: 1e-4, num_iterations: null, sampling_strategy: "unique", use_amp: true });
    const back = jsonToConfig(configToJson(values), setfit.defaults);
    expect(back).toEqual({ values, error: null });
  });

  it("JSON → form → JSON gives the same text; each field shows the JSON's value", () => {
    const text = configToJson({ max_steps: 20, loss_type: ["sigmoid", "ipo"], packing: true, optim: "adamw_torch" });
    const { values } = jsonToConfig(text, sft.defaults);
    expect(configToJson(values!)).toBe(text);
    expect(valueToInput(fieldKind(setting(sft, "max_steps").schema), values!.max_steps)).toBe("20");
    expect(fieldKind(setting(sft, "max_length").schema)).toMatchObject({ kind: "number", nullable: true });
    // A pass-through setting (not in the schema) travels in the JSON untouched.
    expect(values!.optim).toBe("adamw_torch");
  });

  it("a default typed back drops the setting, so the config stays minimal", () => {
    const values = type(setfit, { batch_size: 32 }, "batch_size", "16");
    expect(values).toEqual({});
    expect(jsonToConfig('{"batch_size": 16, "num_epochs": 2}', setfit.defaults)).toEqual({ values: { num_epochs: 2 }, error: null });
  });

  it("text that is not a number stays as typed, for the schema to refuse beside the field", () => {
    expect(type(setfit, {}, "batch_size", "abc")).toEqual({ batch_size: "abc" });
  });

  it("the JSON view refuses what is not a config object", () => {
    expect(jsonToConfig("[1]", {})).toMatchObject({ values: null, error: expect.stringMatching(/JSON object/) });
    expect(jsonToConfig("{", {})).toMatchObject({ values: null, error: expect.stringMatching(/^not JSON/) });
    expect(jsonToConfig("", {})).toEqual({ values: {}, error: null });
  });

  it("field kinds from the JSON Schema", () => {
    expect(fieldKind(setting(setfit, "batch_size").schema)).toEqual({ kind: "number", integer: true, nullable: false });
    expect(fieldKind(setting(setfit, "use_amp").schema)).toEqual({ kind: "boolean", nullable: false });
    expect(fieldKind(setting(setfit, "sampling_strategy").schema)).toMatchObject({ kind: "enum", options: ["oversampling", "undersampling", "unique"] });
    expect(fieldKind(setting(sft, "response_template").schema)).toEqual({ kind: "text", nullable: true });
    expect(fieldKind(setting(configForm("trl", "direct_preference_optimization"), "loss_type").schema)).toEqual({ kind: "json" });
  });
});
