/**
 * Markdown images: only inline data images load; a remote one (which would tell its host who reads
 * the record) becomes a link that loads nothing, and raw HTML stays text.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "./markdown";

const render = (markdown: string) => renderToStaticMarkup(createElement(Markdown, null, markdown));
const PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

describe("Markdown", () => {
  it("renders a remote image as a link with its alt text, never as an <img>", () => {
    const html = render("Look: ![a chart](https://tracker.example/pixel.gif?reader=1)");
    expect(html).not.toContain("<img");
    expect(html).toContain('href="https://tracker.example/pixel.gif?reader=1"');
    expect(html).toContain("[Image: a chart (not loaded)]");
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });

  it("also refuses protocol-relative, relative and javascript: image sources", () => {
    for (const src of ["//tracker.example/p.gif", "/api/export?dataset=x", "javascript:alert(1)"]) {
      const html = render(`![x](${src})`);
      expect(html).not.toContain("<img");
    }
    expect(render("![x](javascript:alert(1))")).not.toContain("javascript:");
  });

  it("shows an inline data image", () => {
    expect(render(`![dot](${PIXEL})`)).toContain(`<img src="${PIXEL}" alt="dot"`);
  });

  it("keeps raw HTML as text", () => {
    const html = render('<img src="https://tracker.example/p.gif"> <script>alert(1)</script>');
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script");
  });
});
