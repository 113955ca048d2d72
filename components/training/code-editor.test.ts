import { describe, expect, it } from "vitest";
import { indentEdit, newlineEdit } from "./code-editor";

describe("code editor edits", () => {
  it("Tab inserts an indent at the caret and indents every selected line", () => {
    expect(indentEdit("ab", 1, 1, false)).toEqual({ text: "a  b", start: 3, end: 3 });
    expect(indentEdit("a\nb\nc", 0, 3, false)).toEqual({ text: "  a\n  b\nc", start: 2, end: 7 });
  });
  it("Shift+Tab outdents", () => {
    expect(indentEdit("  a\n  b", 2, 7, true)).toEqual({ text: "a\nb", start: 0, end: 3 });
    expect(indentEdit("a", 1, 1, true)).toEqual({ text: "a", start: 1, end: 1 });
  });
  it("Enter keeps the indentation, one more after an opening bracket", () => {
    expect(newlineEdit("  x", 3, 3)).toEqual({ text: "  x\n  ", start: 6, end: 6 });
    expect(newlineEdit("f() {", 5, 5)).toEqual({ text: "f() {\n  ", start: 8, end: 8 });
  });
});
