/**
 * A model card is a file in the model's folder, so its text is untrusted: the front matter shows as
 * text in a table and the Markdown through the studio's renderer, so no HTML, script or
 * javascript: link in it ever becomes markup.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ModelCardText } from "./model-card";

const render = (markdown: string) => renderToStaticMarkup(createElement(ModelCardText, { markdown }));

describe("ModelCardText", () => {
  it("shows the front matter as a table, never as raw text, and renders the Markdown", () => {
    const html = render("---\nlanguage: en\ntags:\n- spacy\n- argilla\n---\n\n# Model Card for *m*\n\nTrained with **spaCy**.\n");
    expect(html).toContain('<table aria-label="Card metadata"');
    expect(html).toContain('<th scope="row" class="w-36 py-1 pr-3 text-left font-medium text-slate-500">tags</th>');
    expect(html).toContain("spacy, argilla</td>");
    expect(html).toContain("<h1>Model Card for <em>m</em></h1>");
    expect(html).not.toContain("---");
  });

  it("keeps hostile card text inert", () => {
    const html = render(
      [
        "---",
        'title: "<script>alert(1)</script>"',
        "'<img src=x onerror=alert(1)>': key",
        "---",
        "<script>alert(2)</script>",
        '<iframe src="https://evil.example"></iframe>',
        "",
        "[click](javascript:alert(3)) ![pixel](https://tracker.example/p.gif)",
        "",
        '<a href="javascript:alert(4)">raw link</a>',
      ].join("\n"),
    );
    expect(html).not.toMatch(/<script|<iframe|<img|href="javascript:/i);
    expect(html).toContain("&lt;a href=&quot;javascript:alert(4)&quot;&gt;"); // shown as text
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("[Image: pixel (not loaded)]");
  });

  it("says in words when the front matter cannot be read, and still shows the card", () => {
    const html = render("---\ntags: [unclosed\n---\n# Card\n");
    expect(html).toContain("The card&#x27;s front matter is not valid YAML; not shown.");
    expect(html).toContain("<h1>Card</h1>");
  });
});
