/**
 * Fine-tuning through an OpenAI-compatible provider from the browser, against the loopback stand-in
 * (tests/stand-ins/openai.ts) started here; the studio's worker talks to it as to any provider.
 * The admin saves the provider on the Secrets page; the task builder (framework openai) checks the
 * rows (a too-small token limit: errors naming their lines), starts the job, and the job page shows
 * the provider's events, the fine-tuned model and a chat with it; a second run is cancelled
 * mid-run, and the cancel reaches the provider.
 */
import { OpenAIStandIn } from "../tests/stand-ins/openai";
import { expect, test, type Page } from "./helpers/test";

const API_KEY = `sk-e2e-openai-${Date.now().toString(36)}-k3y`;
const PROVIDER = "standin_e2e";
const CHAT_TASK = {
  task: "chat_completion",
  template: { messages: [{ role: "system", content: "You are a helpful support agent." }, { from_field: "conversation" }, { role: "assistant", content: "{ideal-reply}" }] },
};
let standIn: OpenAIStandIn;

test.beforeAll(async () => {
  standIn = await new OpenAIStandIn(API_KEY, { tickMs: 150 }).start();
});
test.afterAll(async () => {
  await standIn?.stop();
});

async function saveProvider(page: Page): Promise<void> {
  await page.goto("/");
  await page.getByRole("link", { name: "Secrets" }).click();
  await page.getByLabel("Provider name").fill(PROVIDER);
  await page.getByLabel("Base URL").fill(standIn.baseUrl);
  await page.getByLabel("API key").fill(API_KEY);
  await page.getByRole("button", { name: "Save provider" }).click();
  await expect(page.getByRole("region", { name: "Secrets" }).getByRole("table")).toContainText(PROVIDER);
}

async function openBuilder(page: Page) {
  await page.goto(`/datasets/support-chat/train?task=${encodeURIComponent(JSON.stringify(CHAT_TASK))}&framework=openai`);
  const panel = page.getByRole("region", { name: "Fine-tune at an OpenAI-compatible provider" });
  await panel.getByLabel("Provider").selectOption(PROVIDER);
  return panel;
}

test("checks the rows, fine-tunes, follows the provider's events and chats with the model", async ({ page }) => {
  test.setTimeout(150_000);
  const bodies: string[] = [];
  page.on("response", async (response) => {
    if (response.url().includes("/api/")) bodies.push(await response.text().catch(() => ""));
  });
  await saveProvider(page);
  const panel = await openBuilder(page);
  await panel.getByLabel("Epochs").fill("2");
  await panel.getByLabel("Suffix").fill("e2e");

  await panel.getByLabel("Token limit per example").fill("60");
  await panel.getByRole("button", { name: "Check the rows" }).click();
  const check = panel.getByTestId("openai-check");
  await expect(check).toContainText(/problems in train\.jsonl/);
  await expect(check.getByRole("listitem").first()).toHaveText(/^line \d+: holds about \d+ tokens, over the base model's 60 an example may hold$/);

  await panel.getByLabel("Token limit per example").fill("");
  await panel.getByRole("button", { name: "Check the rows" }).click();
  await expect(check).toContainText(/\d+ examples pass the provider's checks/);

  await panel.getByRole("button", { name: "Start fine-tuning" }).click();
  await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
  const job = page.getByRole("region", { name: `Fine-tuning at ${PROVIDER}` });
  await expect(job.getByTestId("fine-tuned-model")).toHaveText(/^ft:gpt-4o-mini-2024-07-18:standin:e2e:/, { timeout: 90_000 });
  const events = job.getByRole("list", { name: "Provider events" });
  await expect(events).toContainText("Fine-tuning job started");
  await expect(events).toContainText(/step \d+ train: train_loss/);
  await expect(events).toContainText("New fine-tuned model created");
  await expect(events).toContainText("done: succeeded");
  const model = (await job.getByTestId("fine-tuned-model").textContent())!;
  expect(standIn.jobRequests.at(-1)).toMatchObject({ suffix: "e2e", method: { supervised: { hyperparameters: { n_epochs: 2 } } } });

  await job.getByLabel("Message").fill("Where is my order LH-12?");
  await job.getByRole("button", { name: "Send" }).click();
  await expect(job.getByTestId("chat-turns")).toContainText(`(${model}) You said: Where is my order LH-12?`);

  expect(bodies.join("\n")).not.toContain(API_KEY.slice(-12));
  expect(await page.content()).not.toContain(API_KEY.slice(-12));
});

test("a cancel on the job page cancels the provider's job", async ({ page }) => {
  test.setTimeout(120_000);
  standIn.knobs.stepsPerEpoch = 2000; // slow progress: the run outlasts the test
  try {
    await saveProvider(page);
    const panel = await openBuilder(page);
    await panel.getByRole("button", { name: "Start fine-tuning" }).click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
    const events = page.getByRole("list", { name: "Provider events" });
    await expect(events).toContainText(/step \d+ train/, { timeout: 60_000 });
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByText("cancelled", { exact: true }).first()).toBeVisible({ timeout: 45_000 });
    await expect(events).toContainText("done: cancelled");
    expect(standIn.cancelled).toHaveLength(1);
    expect(standIn.jobs.get(standIn.cancelled[0]!)!.status).toBe("cancelled");
  } finally {
    delete standIn.knobs.stepsPerEpoch;
  }
});
