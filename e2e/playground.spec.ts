/**
 * Try a trained model in the browser: a tiny spaCy classifier (blank:en, 60 steps on the shipped
 * sentiment-reviews sample) is trained in setup through the studio's own worker, queued by the same
 * procedure as the Start button; then, on its job page, a clear review is classified, the model card
 * is opened, and the .zip is downloaded and unzipped: it holds exactly the job's model folder.
 *
 * The studio under test needs the training environment: with STUDIO_PYTHON unset it builds one in
 * its fresh home first (minutes, and the package index).
 */
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./helpers/test";
import { unzipFiles } from "../tests/playground/unzip";

const POSITIVE = "Worth every penny. I love it. It works perfectly and the build feels solid and premium.";

test.describe.configure({ mode: "serial" });

let jobId: string;

async function trpcQuery<T>(request: APIRequestContext, name: string, input: unknown): Promise<T> {
  const response = await request.get(`/api/trpc/${name}?input=${encodeURIComponent(JSON.stringify(input))}`);
  expect(response.ok(), await response.text()).toBe(true);
  return ((await response.json()) as { result: { data: T } }).result.data;
}

test.beforeAll(async ({ request }) => {
  test.setTimeout(15 * 60_000);
  const started = await request.post("/api/trpc/trainingRuns.start", {
    data: {
      dataset: "sentiment-reviews",
      task: { task: "text_classification", text: "text", label: "sentiment" },
      framework: "spacy",
      model: "blank:en",
      config: { max_steps: 60, batch_size: 8, eval_frequency: 20 },
      options: { testSize: 0.25, seed: 42 },
    },
  });
  expect(started.ok(), await started.text()).toBe(true);
  jobId = ((await started.json()) as { result: { data: { id: string } } }).result.data.id;
  for (;;) {
    const run = await trpcQuery<{ state: string; error: string | null }>(request, "trainingRuns.get", { id: jobId, limit: 1 });
    if (run.state === "succeeded") break;
    if (run.state === "failed" || run.state === "cancelled") throw new Error(`the training job ${run.state}: ${run.error}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
});

/** The model folder's files, relative to it (what the worker saved in the studio's home). */
function modelFiles(dir: string, relative = ""): string[] {
  return fs.readdirSync(path.join(dir, relative), { withFileTypes: true }).flatMap((entry) => {
    const name = relative ? `${relative}/${entry.name}` : entry.name;
    return entry.isDirectory() ? modelFiles(dir, name) : entry.isFile() ? [name] : [];
  });
}

test("classify a text with the trained model, read its card and download it", async ({ page }, testInfo) => {
  test.setTimeout(180_000); // the first prediction starts the model's process
  await page.goto(`/jobs/${jobId}`);
  const playground = page.getByRole("region", { name: "Try the model" });
  await expect(playground).toBeVisible({ timeout: 30_000 });
  await expect(playground.getByRole("table", { name: "Evaluation metrics" })).toContainText("accuracy");

  await playground.getByLabel("Text").fill(POSITIVE);
  await playground.getByRole("button", { name: "Classify" }).click();
  const labels = playground.getByRole("region", { name: "Labels" }).getByRole("listitem");
  await expect(labels.first()).toBeVisible({ timeout: 120_000 });
  await expect(labels.first()).toContainText("positive");
  await expect(labels.first().getByRole("meter")).toHaveAttribute("aria-valuetext", /%$/);
  expect(await labels.count()).toBeGreaterThanOrEqual(2);

  await playground.getByText("Model card", { exact: true }).click();
  const metadata = playground.getByRole("table", { name: "Card metadata" });
  await expect(metadata).toContainText("library_name");
  await expect(metadata).toContainText("spacy");
  await expect(playground.getByRole("heading", { name: /Model Card for/ })).toBeVisible();
  await expect(playground.getByText("---", { exact: true })).toHaveCount(0); // front matter never shown raw

  const [download] = await Promise.all([page.waitForEvent("download"), playground.getByRole("link", { name: "Download the model (.zip)" }).click()]);
  expect(download.suggestedFilename()).toBe(`sentiment-reviews-spacy-${jobId.slice(0, 8)}-model.zip`);
  const saved = testInfo.outputPath("model.zip");
  await download.saveAs(saved);
  const files = await unzipFiles(await fs.promises.readFile(saved));
  const modelDir = path.join(process.env.STUDIO_E2E_HOME!, "jobs", jobId, "output", "model");
  const expected = modelFiles(modelDir);
  expect(expected).toContain("README.md");
  const prefix = `sentiment-reviews-spacy-${jobId.slice(0, 8)}-model/`;
  expect([...files.keys()].sort()).toEqual(expected.map((name) => prefix + name).sort());
  for (const name of expected) expect(files.get(prefix + name)!.equals(fs.readFileSync(path.join(modelDir, name))), name).toBe(true);
});

test("a viewer finds the playground disabled but may read the card and download", async ({ browser, request }) => {
  const email = `viewer-${Date.now().toString(36)}@studio.test`;
  const password = "a password of the playground";
  const created = await request.post("/api/trpc/users.create", { data: { email, name: "Vera Viewer", password, role: "viewer" } });
  expect(created.ok(), await created.text()).toBe(true);
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const signedIn = await context.request.post("/api/auth/sign-in/email", { data: { email, password } });
  expect(signedIn.ok()).toBe(true);
  const page = await context.newPage();
  await page.goto(`/jobs/${jobId}`);
  const playground = page.getByRole("region", { name: "Try the model" });
  await expect(playground.getByText("Trying the model needs the member role.")).toBeVisible({ timeout: 30_000 });
  await expect(playground.getByLabel("Text")).toBeDisabled();
  await expect(playground.getByRole("button", { name: "Classify" })).toBeDisabled();
  const zip = await context.request.get(`/api/jobs/${jobId}/model`);
  expect(zip.status()).toBe(200);
  expect(zip.headers()["content-type"]).toBe("application/zip");
  await context.close();
});
