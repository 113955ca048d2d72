import { describe, expect, it } from "vitest";
import { splitInput } from "./builder-requests";
import { DEFAULT_SPLIT, type SplitSettings } from "./builder-state";

describe("builder requests", () => {
  const split: SplitSettings = { trainSize: 0.7, testSize: 0.2, seed: 7, maxRecords: 50, statuses: ["submitted", "draft"] };

  it("splitInput leaves out unset values", () => {
    expect(splitInput(DEFAULT_SPLIT)).toEqual({ trainSize: 0.8, seed: 42 });
    expect(splitInput(split)).toEqual({ trainSize: 0.7, testSize: 0.2, seed: 7, maxRecords: 50, filterBy: { responseStatus: ["submitted", "draft"] } });
  });
});
