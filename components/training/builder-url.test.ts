import { describe, expect, it } from "vitest";
import { DEFAULT_SPLIT, type BuilderState } from "./builder-state";
import { jobSearchParams, parseSettingsParams, parseTaskParam, stateToSearchParams } from "./builder-url";

describe("URL round trip", () => {
  const state: BuilderState = {
    task: { task: "direct_preference_optimization", mode: "function", formatting_func: { language: "javascript", source: "function f(s) { return null; }" } },
    framework: "trl",
    split: { trainSize: 0.7, testSize: 0.2, seed: 7, maxRecords: 50, statuses: ["submitted", "draft"] },
    crossEncoder: false,
    view: { mode: "sample", sampleSeed: 3 },
  };

  it("restores the task, framework, split, filter and view", () => {
    const params = new URLSearchParams(stateToSearchParams(state).toString());
    expect(parseTaskParam(params.get("task"), ["direct_preference_optimization"])).toEqual(state.task);
    expect(parseSettingsParams(params)).toEqual({ framework: "trl", split: state.split, crossEncoder: false, view: state.view });
  });

  it("ignores broken or foreign values", () => {
    expect(parseTaskParam("{not json", ["text_classification"])).toBeNull();
    expect(parseTaskParam(JSON.stringify({ task: "other" }), ["text_classification"])).toBeNull();
    const settings = parseSettingsParams(new URLSearchParams("train=7&test=-1&seed=1.5&max=0&status=bogus,draft&view=nope"));
    expect(settings.split).toEqual({ ...DEFAULT_SPLIT, statuses: ["draft"] });
    expect(settings.view.mode).toBe("page");
  });
});

describe("jobSearchParams", () => {
  it("reopens a job's task, framework and prepare options in the builder", () => {
    const params = jobSearchParams({
      task: { task: "text_classification", text: "text", label: "sentiment" },
      framework: "setfit",
      options: { testSize: 0.25, seed: 7, filterBy: { responseStatus: ["submitted"] } },
    });
    expect(parseTaskParam(params.get("task"), ["text_classification"])).toMatchObject({ task: "text_classification", mode: "default", label: "sentiment" });
    expect(parseSettingsParams(params)).toMatchObject({ framework: "setfit", split: { trainSize: 0.75, testSize: 0.25, seed: 7, statuses: ["submitted"] } });
    expect(parseSettingsParams(jobSearchParams({ task: {}, framework: "trl", options: {} })).split.trainSize).toBe(1);
  });
});
