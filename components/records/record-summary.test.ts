import { describe, expect, it } from "vitest";
import { markdownToPlainText } from "./record-summary";

describe("markdownToPlainText", () => {
  it("keeps the words of headings, emphasis, code, links and lists", () => {
    const markdown = "### How do I *sort* a `dict`?\n\nSee [the docs](https://x.y).\n\n- first_step\n1. then\n```python\nsorted(d)\n```";
    expect(markdownToPlainText(markdown)).toBe("How do I sort a dict? See the docs. first_step then sorted(d)");
  });
});
