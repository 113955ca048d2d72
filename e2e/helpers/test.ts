/**
 * Playwright's `test`, with one check added to every test: the page logged no Content Security
 * Policy violation (Chromium reports each one on the console). The studio must work under its CSP.
 */
import { expect, test as base } from "@playwright/test";

export const test = base.extend<{ noCspViolations: void }>({
  noCspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on("console", (message) => {
        if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
      });
      await use();
      expect(violations, "CSP violations logged by the page").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
export type { Locator, Page } from "@playwright/test";
