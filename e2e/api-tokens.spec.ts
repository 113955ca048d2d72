/**
 * API tokens in the browser: the admin creates one on the API tokens page (shown once), a script
 * without cookies uses it as `Authorization: Bearer`, and once revoked on the page it is refused.
 */
import { request } from "@playwright/test";
import { expect, test } from "./helpers/test";

test("creates a token, uses it from a script, and revokes it", async ({ page, baseURL }) => {
  const name = `script-${Date.now().toString(36)}`;
  await page.goto("/");
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/\/tokens$/);
  await page.getByLabel("Token name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^studio_/);
  await expect(page.getByRole("region", { name: "Your tokens" })).toContainText(name);
  await expect(page.getByRole("region", { name: "Your tokens" })).not.toContainText(token);

  const script = await request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const list = () => script.get("/api/trpc/datasets.list", { headers: { authorization: `Bearer ${token}` } });
  expect((await script.get("/api/trpc/datasets.list")).status()).toBe(401);
  const answered = await list();
  expect(answered.status()).toBe(200);
  expect(await answered.text()).toContain("sentiment-reviews");

  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.getByRole("region", { name: "Your tokens" })).not.toContainText(name);
  expect((await list()).status()).toBe(401);
  await script.dispose();
});
