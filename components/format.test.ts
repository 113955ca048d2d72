import { describe, expect, it } from "vitest";
import { decodeSegment, formatCount, recordHref, shortUserId } from "./format";

describe("format", () => {
  it("counts with thousands separators, singular, and a capped count", () => {
    expect(formatCount(1, "record")).toBe("1 record");
    expect(formatCount(1234, "record")).toBe("1,234 records");
    expect(formatCount(100_000, "record", true)).toBe("100,000+ records");
  });

  it("shortens user ids and names the missing one", () => {
    expect(shortUserId("aaaaaaaa-1111-4111-8111-111111111111")).toBe("aaaaaaaa");
    expect(shortUserId(null)).toBe("no user id");
  });

  it("encodes dataset names into one path segment and decodes them back", () => {
    const href = recordHref("my reviews 100%/v2", 4, "filter=x");
    expect(href).toBe("/datasets/my%20reviews%20100%25%2Fv2/records/4?filter=x");
    expect(decodeSegment("my%20reviews%20100%25%2Fv2")).toBe("my reviews 100%/v2");
    expect(decodeSegment("100%")).toBe("100%");
  });
});
