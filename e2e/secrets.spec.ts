/** Secrets in the browser: the admin saves a token and a provider; the page, and every response it got, show only the last 4 characters. */
import { expect, test } from "./helpers/test";

test("saves a Hugging Face token and a provider, and never shows them back", async ({ page }) => {
  const token = `hf_e2e${Date.now().toString(36)}abcd1234`;
  const apiKey = `sk-e2e${Date.now().toString(36)}wxyz9876`;
  const bodies: string[] = [];
  page.on("response", async (response) => {
    if (response.url().includes("/api/")) bodies.push(await response.text().catch(() => ""));
  });
  await page.goto("/");
  await page.getByRole("link", { name: "Secrets" }).click();
  await page.getByLabel("Hugging Face token").fill(token);
  await page.getByRole("button", { name: "Save token" }).click();
  await page.getByLabel("Provider name").fill("local_llm");
  await page.getByLabel("Base URL").fill("http://127.0.0.1:8000/v1");
  await page.getByLabel("API key").fill(apiKey);
  await page.getByRole("button", { name: "Save provider" }).click();
  const table = page.getByRole("region", { name: "Secrets" }).getByRole("table");
  await expect(table).toContainText("…1234");
  await expect(table).toContainText("local_llm");
  await expect(table).toContainText("…9876");
  await page.reload();
  await expect(table).toContainText("…9876");
  const html = await page.content();
  for (const secret of [token, apiKey]) {
    expect(html).not.toContain(secret.slice(0, -4));
    expect(bodies.join("\n")).not.toContain(secret.slice(0, -4));
  }
});
