/**
 * API tokens in the browser: the admin creates one on the API tokens page (shown once), a script
 * without cookies uses it as `Authorization: Bearer`, and once revoked on the page it is refused.
 * The same from the CLI: `studio datasets` and `studio jobs` with STUDIO_URL and STUDIO_TOKEN, then
 * refused once the token is revoked.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { request } from "@playwright/test";
import { expect, test } from "./helpers/test";

const run = promisify(execFile);

/** `studio …` against the studio under test (remote mode), as its last JSON line and exit code. */
async function studioCli(baseURL: string, token: string, ...args: string[]): Promise<{ code: number; last: any }> {
  const env = { ...process.env, STUDIO_URL: baseURL, STUDIO_TOKEN: token, DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none" };
  const result = await run(process.execPath, ["--import", "tsx", path.resolve("cli/main.ts"), ...args, "--json"], { env, timeout: 60_000 }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { stdout?: string; code?: number }) => ({ code: error.code ?? 1, stdout: error.stdout ?? "" }),
  );
  return { code: result.code, last: JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "null") };
}

async function createToken(page: import("@playwright/test").Page, name: string): Promise<string> {
  await page.goto("/");
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/\/tokens$/);
  await page.getByLabel("Token name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^studio_/);
  return token;
}

test("creates a token, uses it from a script, and revokes it", async ({ page, baseURL }) => {
  const name = `script-${Date.now().toString(36)}`;
  const token = await createToken(page, name);
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

test("creates a token, uses it from the CLI, and revokes it", async ({ page, baseURL }) => {
  const name = `cli-${Date.now().toString(36)}`;
  const token = await createToken(page, name);
  const datasets = await studioCli(baseURL!, token, "datasets");
  expect(datasets.code).toBe(0);
  expect(datasets.last.datasets.map((d: { name: string }) => d.name)).toContain("sentiment-reviews");
  const jobs = await studioCli(baseURL!, token, "jobs");
  expect(jobs.code).toBe(0);
  expect(jobs.last.jobs).toEqual(expect.any(Array));

  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.getByRole("region", { name: "Your tokens" })).not.toContainText(name);
  const refused = await studioCli(baseURL!, token, "datasets");
  expect(refused.code).toBe(1);
  expect(refused.last.error).toMatch(/sign in/i);
});
