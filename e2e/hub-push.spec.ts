/**
 * Push to the Hub from the job page, against the Hub stand-in (tests/stand-ins/hub.ts) this spec starts
 * on the loopback address HF_ENDPOINT names. The studio under test reads HF_ENDPOINT when it starts, so
 * the run sets it (and HF_HUB_DISABLE_XET=1: the stand-in speaks LFS):
 *   HF_ENDPOINT=http://127.0.0.1:39571 HF_HUB_DISABLE_XET=1 npx playwright test e2e/hub-push.spec.ts
 * Without a loopback HF_ENDPOINT the spec is skipped (it would push to the real Hub).
 * A tiny spaCy classifier is trained in setup through the studio's worker; then a bad token gives its
 * error and no link, and a good one fills the bar, shows the link, and the stand-in holds the model files
 * and a README.md whose lineage names the job.
 */
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./helpers/test";
import { startHubStandIn, type HubStandIn } from "../tests/stand-ins/hub";

const endpoint = process.env.HF_ENDPOINT ?? "";
const loopback = /^http:\/\/127\.0\.0\.1:(\d+)$/.exec(endpoint);
const GOOD = "hf_e2e_write_5b1c9d";

test.describe.configure({ mode: "serial" });
test.skip(!loopback || process.env.HF_HUB_DISABLE_XET !== "1", "set HF_ENDPOINT=http://127.0.0.1:PORT and HF_HUB_DISABLE_XET=1 for the studio under test");

let hub: HubStandIn;
let jobId: string;

async function trpc<T>(request: APIRequestContext, name: string, input: unknown, method: "get" | "post" = "get"): Promise<T> {
  const response =
    method === "get" ? await request.get(`/api/trpc/${name}?input=${encodeURIComponent(JSON.stringify(input))}`) : await request.post(`/api/trpc/${name}`, { data: input });
  expect(response.ok(), await response.text()).toBe(true);
  return ((await response.json()) as { result: { data: T } }).result.data;
}

test.beforeAll(async ({ request }) => {
  test.setTimeout(15 * 60_000);
  hub = await startHubStandIn({ tokens: { [GOOD]: { user: "alice", role: "write" } }, port: Number(loopback![1]) });
  jobId = (
    await trpc<{ id: string }>(
      request,
      "trainingRuns.start",
      {
        dataset: "sentiment-reviews",
        task: { task: "text_classification", text: "text", label: "sentiment" },
        framework: "spacy",
        model: "blank:en",
        config: { max_steps: 20, batch_size: 8, eval_frequency: 10 },
        options: { testSize: 0.25, seed: 42 },
      },
      "post",
    )
  ).id;
  for (;;) {
    const run = await trpc<{ state: string; error: string | null }>(request, "trainingRuns.get", { id: jobId, limit: 1 });
    if (run.state === "succeeded") break;
    if (run.state === "failed" || run.state === "cancelled") throw new Error(`the training job ${run.state}: ${run.error}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
});

test.afterAll(async () => {
  await hub?.close();
});

test("a bad token: its own error, nothing shown as pushed", async ({ page, request }) => {
  await trpc(request, "secrets.setHuggingFaceToken", { token: "hf_nobody_knows_this" }, "post");
  await page.goto(`/jobs/${jobId}`);
  const panel = page.getByRole("region", { name: "Push to the Hugging Face Hub" });
  await panel.getByLabel("Repo (OWNER/NAME)").fill("alice/e2e-bad-token");
  await panel.getByRole("button", { name: "Push", exact: true }).click();
  await expect(panel.getByTestId("push-error")).toContainText("The Hub refused the Hugging Face token", { timeout: 60_000 });
  await expect(panel.getByTestId("push-done")).toHaveCount(0);
  expect(hub.repo("model", "alice/e2e-bad-token")).toBeNull();
});

test("push a trained job: the bar finishes, the link appears, the stand-in holds the files and the card", async ({ page, request }) => {
  test.setTimeout(180_000);
  await trpc(request, "secrets.setHuggingFaceToken", { token: GOOD }, "post");
  await page.goto(`/jobs/${jobId}`);
  const panel = page.getByRole("region", { name: "Push to the Hugging Face Hub" });
  await panel.getByLabel("Repo (OWNER/NAME)").fill("alice/e2e-sentiment");
  await panel.getByRole("button", { name: "Push", exact: true }).click();
  const link = panel.getByTestId("push-done").getByRole("link");
  await expect(link).toHaveAttribute("href", `${endpoint}/alice/e2e-sentiment`, { timeout: 120_000 });
  await expect(panel.getByTestId("push-error")).toHaveCount(0);
  const files = hub.files("model", "alice/e2e-sentiment");
  expect([...files.keys()]).toEqual(expect.arrayContaining(["config.cfg", "meta.json", "textcat/model", "en_e2e_sentiment-any-py3-none-any.whl", "README.md"]));
  const card = files.get("README.md")!.toString("utf8");
  expect(card).toContain(`training job \`${jobId}\``);
  expect(card).toContain(`**Repository:** [${endpoint}/alice/e2e-sentiment]`);
  for (const [name, content] of files) expect(content.includes(GOOD), name).toBe(false);
});
