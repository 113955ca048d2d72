import { describe, expect, it } from "vitest";
import { facet, recordFacets, textArrayLiteral } from "./record-facets";

describe("record facets", () => {
  it("names who responded how, what was answered, and what has suggestions", () => {
    const tokens = recordFacets(
      {
        responses: [
          { userId: "u1", status: "submitted", values: { label: "pos", note: "x" } },
          { userId: "u2", status: "discarded", values: {} },
        ],
        suggestions: [{ question: "label", value: "pos", score: null, agent: null, type: null }],
      },
      [4, 9],
    );
    expect(new Set(tokens)).toEqual(
      new Set([
        facet.annotator(4), facet.annotatorStatus(4, "submitted"), facet.status("submitted"),
        facet.answered("label"), facet.answeredWith("label", "submitted"), facet.answered("note"), facet.answeredWith("note", "submitted"),
        facet.annotator(9), facet.annotatorStatus(9, "discarded"), facet.status("discarded"),
        facet.suggestion(), facet.suggestion("label"),
      ]),
    );
  });

  it("has no tokens for a record nobody touched", () => {
    expect(recordFacets({ responses: [], suggestions: [] }, [])).toEqual([]);
  });

  it("writes a Postgres text array literal with quotes and backslashes escaped", () => {
    expect(textArrayLiteral(['q:a "b"', "c\\d", "e,f"])).toBe('{"q:a \\"b\\"","c\\\\d","e,f"}');
    expect(textArrayLiteral([])).toBe("{}");
  });
});
