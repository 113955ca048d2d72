import { describe, expect, it } from "vitest";
import { insertAt, modeOf, referencedNames, setPath } from "./task-editing";

describe("task JSON helpers", () => {
  it("modeOf infers the mode from the keys like the schema", () => {
    expect(modeOf({ formatting_func: {} })).toBe("function");
    expect(modeOf({ template: {} })).toBe("template");
    expect(modeOf({ text: "a" })).toBe("default");
    expect(modeOf({ mode: "template", formatting_func: {} })).toBe("template");
  });

  it("setPath copies and removes keys", () => {
    const task = { task: "x", template: { a: "1" } };
    const next = setPath(task, "template.b", "2");
    expect(next).toEqual({ task: "x", template: { a: "1", b: "2" } });
    expect(task.template).toEqual({ a: "1" });
    expect(setPath(next, "template.a", undefined)).toEqual({ task: "x", template: { b: "2" } });
  });

  it("referencedNames finds placeholders, fallbacks, rankings and label questions, not literal braces", () => {
    const names = referencedNames({
      task: "text_classification",
      label: "sentiment",
      template: { text: "{{literal}} {title|body} {first_of}", other: { from_ranking: "pref", rank: "best" } },
    });
    expect([...names].sort()).toEqual(["body", "first_of", "pref", "sentiment", "title"]);
  });

  it("insertAt inserts at the caret or replaces the selection", () => {
    expect(insertAt("ab", "{x}", 1)).toEqual({ text: "a{x}b", caret: 4 });
    expect(insertAt("abcd", "{x}", 1, 3)).toEqual({ text: "a{x}d", caret: 4 });
    expect(insertAt("ab", "{x}", 99)).toEqual({ text: "ab{x}", caret: 5 });
  });
});
