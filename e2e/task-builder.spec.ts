/**
 * The task builder end to end, on the shipped sample `response-preference` (100 records: prompt,
 * response-1, response-2 and a ranking question `preference`): build a DPO task from a template,
 * check the formatted rows against the sample's own data, follow a drop reason from the
 * diagnostics into the preview, switch to a formatting function, break it on purpose, and get the
 * whole state back from the URL after a reload. Expected values are computed here from the
 * sample's JSONL, not copied from the UI.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Locator, type Page } from "./helpers/test";

test.describe.configure({ mode: "serial" });
// Each test edits, waits for debounced previews and whole-dataset diagnostics, and reloads.
test.setTimeout(120_000);

const DATASET = "response-preference";
const SAMPLE = path.resolve(__dirname, "..", "samples", DATASET, "data", "train.jsonl");
// Screenshots to look at after a run: in Playwright's output folder (test-results/, not committed) unless E2E_SCREENSHOTS says where.
const SHOTS = process.env.E2E_SCREENSHOTS ?? path.resolve(__dirname, "..", "test-results", "screenshots");

interface SampleResponse {
  user_id: string | null;
  status: "submitted" | "draft" | "discarded";
  value: { rank: number[]; value: string[] };
}
interface SampleRow {
  prompt: string;
  "response-1": string;
  "response-2": string;
  preference: SampleResponse[];
  external_id: string;
}

const rows: SampleRow[] = fs
  .readFileSync(SAMPLE, "utf8")
  .split("\n")
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as SampleRow);

/** Records (by index) where no annotator submitted a response: dropped as no_submitted_responses. */
const noSubmitted = rows.flatMap((row, index) => (row.preference.some((r) => r.status === "submitted") ? [] : [index]));

/**
 * The first record whose submitted rankings all agree and have no tie: whatever the unification,
 * its DPO row is {prompt, chosen: best item's text, rejected: worst item's text}.
 */
function firstUnanimousRecord(): { index: number; row: { prompt: string; chosen: string; rejected: string } } {
  for (const [index, row] of rows.entries()) {
    const submitted = row.preference.filter((r) => r.status === "submitted");
    if (submitted.length < 2) continue;
    const key = (r: SampleResponse) => JSON.stringify(r.value);
    if (!submitted.every((r) => key(r) === key(submitted[0]!))) continue;
    const { rank, value } = submitted[0]!.value;
    if (new Set(rank).size !== rank.length) continue;
    const best = value[rank.indexOf(Math.min(...rank))] as "response-1" | "response-2";
    const worst = value[rank.indexOf(Math.max(...rank))] as "response-1" | "response-2";
    return { index, row: { prompt: row.prompt, chosen: row[best], rejected: row[worst] } };
  }
  throw new Error("the sample has no unanimous ranking");
}

const unanimous = firstUnanimousRecord();
const builderPath = `/datasets/${DATASET}/train`;

function record(page: Page, index: number): Locator {
  // Records are numbered from 1 on screen.
  return page.getByRole("article", { name: `Record #${index + 1}`, exact: true });
}

async function formattedRows(page: Page, index: number): Promise<unknown> {
  const text = await record(page, index).getByTestId("formatted-rows").textContent();
  return JSON.parse(text ?? "null");
}

async function previewIndexes(page: Page): Promise<number[]> {
  const values = await page.getByTestId("preview-record").evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-index"))));
  return values;
}

test("builds a DPO task from a template and shows rows made of the sample's data", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  // Start from another task, so the DPO definition below is built with the form.
  const sft = { task: "supervised_fine_tuning", mode: "template", template: { text: "{prompt}" } };
  await page.goto(`${builderPath}?task=${encodeURIComponent(JSON.stringify(sft))}&framework=trl`);
  await expect(page.getByRole("heading", { name: "Prepare training data" })).toBeVisible();
  await expect(page.getByLabel("Task", { exact: true })).toHaveValue("supervised_fine_tuning");

  await page.getByLabel("Task", { exact: true }).selectOption({ label: "Direct preference optimization" });
  await page.getByRole("radio", { name: "Template", exact: true }).check();
  await expect(page.getByRole("radio", { name: "Default" })).toHaveCount(0); // Argilla has no DPO defaults
  await expect(page.getByLabel("Framework", { exact: true })).toHaveValue("trl");

  // prompt = {prompt}: cleared, then the chip inserts the placeholder
  await page.getByLabel("prompt source").selectOption("Text template");
  await page.getByLabel("prompt template").fill("");
  await page.getByRole("button", { name: "Insert {prompt} into prompt" }).click();
  await expect(page.getByLabel("prompt template")).toHaveValue("{prompt}");

  // chosen = best of the ranking "preference", rejected = worst
  await page.getByLabel("chosen source").selectOption("Text template");
  await expect(page.getByLabel("chosen template")).toBeVisible();
  await page.getByLabel("chosen source").selectOption({ label: "From ranking “preference”" });
  await page.getByLabel("chosen rank").selectOption("best");
  await page.getByLabel("rejected source").selectOption({ label: "From ranking “preference”" });
  await page.getByLabel("rejected rank").selectOption("worst");

  await expect(page.getByTestId("task-json")).toHaveText(
    JSON.stringify(
      {
        task: "direct_preference_optimization",
        mode: "template",
        template: { prompt: "{prompt}", chosen: { from_ranking: "preference", rank: "best" }, rejected: { from_ranking: "preference", rank: "worst" } },
      },
      null,
      2,
    ),
  );

  // The preview shows the unanimous record's row exactly as the sample has it.
  await expect.poll(() => formattedRows(page, unanimous.index)).toEqual([unanimous.row]);
  // A record nobody submitted is dropped, with its reason next to it.
  const firstDropped = noSubmitted.find((i) => i < 10);
  if (firstDropped !== undefined) {
    await expect(record(page, firstDropped).getByTestId("drop-badge")).toHaveText("dropped: no_submitted_responses");
  }

  // Copy buttons say so; the copied task is the one shown.
  await page.getByRole("button", { name: "Copy task JSON" }).click();
  await expect(page.getByRole("button", { name: /Copy task JSON/ })).toContainText("Copied");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(copied)).toEqual(JSON.parse((await page.getByTestId("task-json").textContent())!));
  await expect(page.getByTestId("cli-command")).toHaveText(
    "npx studio prepare --dataset response-preference --task task.json --framework trl --train-size 0.8 --seed 42 --out prepared",
  );
  await page.getByRole("button", { name: "Copy CLI command" }).click();
  await expect(page.getByRole("button", { name: /Copy CLI command/ })).toContainText("Copied");

  await page.screenshot({ path: path.join(SHOTS, "task-builder-dpo-template.png"), fullPage: true });
});

test("diagnostics count drops; a drop reason loads exactly its records into the preview", async ({ page }) => {
  const dpo = {
    task: "direct_preference_optimization",
    mode: "template",
    template: { prompt: "{prompt}", chosen: { from_ranking: "preference", rank: "best" }, rejected: { from_ranking: "preference", rank: "worst" } },
  };
  await page.goto(`${builderPath}?task=${encodeURIComponent(JSON.stringify(dpo))}&framework=trl`);

  const diagnostics = page.getByRole("region", { name: /Diagnostics/ });
  await expect(diagnostics.getByTestId("diag-records")).toHaveText("100");
  const reason = diagnostics.locator('[data-testid="drop-reason"][data-reason="no_submitted_responses"]');
  await expect(reason.getByRole("button")).toHaveText(`no_submitted_responses ${noSubmitted.length}`);
  await expect(diagnostics.locator('[data-testid="drop-reason"][data-reason="ambiguous_ranking"]')).toBeVisible();

  // rows out + dropped = records in
  const dropped = Number(await diagnostics.getByTestId("diag-dropped").textContent());
  const rowsOut = Number(await diagnostics.getByTestId("diag-rows").textContent());
  expect(rowsOut + dropped).toBe(100);
  expect(Number(await diagnostics.getByTestId("diag-train").textContent()) + Number(await diagnostics.getByTestId("diag-test").textContent())).toBe(rowsOut);

  // Token lengths with a tokenizer.json on the server; one that cannot load is named, and the
  // rest of the diagnostics stay.
  const tokenizer = path.resolve(__dirname, "..", "tests", "fixtures", "word-tokenizer");
  await diagnostics.getByLabel("Token lengths").fill(tokenizer);
  const tokens = diagnostics.getByTestId("diag-tokens");
  await expect(tokens).toContainText(`Text lengths (tokens, ${tokenizer})`);
  await expect(tokens.getByRole("figure", { name: "Length of prompt in tokens" })).toBeVisible();
  await diagnostics.getByLabel("Token lengths").fill("/no/such/tokenizer");
  await expect(diagnostics.getByTestId("tokenizer-error")).toContainText("No tokenizer at /no/such/tokenizer");
  await expect(diagnostics.getByTestId("diag-records")).toHaveText("100");
  await diagnostics.getByLabel("Token lengths").fill("");
  await expect(diagnostics.getByTestId("tokenizer-error")).toHaveCount(0);

  // The downloads hold the same split as the diagnostics count.
  const trainHref = await page.getByRole("link", { name: "Download train split as JSONL" }).getAttribute("href");
  const download = await page.request.get(trainHref!);
  expect(download.status()).toBe(200);
  const trainLines = (await download.text()).split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>);
  expect(trainLines).toHaveLength(Number(await diagnostics.getByTestId("diag-train").textContent()));
  expect(Object.keys(trainLines[0]!).sort()).toEqual(["chosen", "prompt", "rejected"]);

  // The records browser links list the same records.
  await reason.getByText("In the records browser").click();
  await expect(reason.getByTestId("drop-reason-records").getByRole("link").first()).toBeVisible();
  const links = await reason.getByTestId("drop-reason-records").getByRole("link").allTextContents();
  expect(links.map((t) => Number(t.replace("#", "")))).toEqual(noSubmitted);

  await reason.getByRole("button").click();
  await expect(page.getByTestId("preview-focus")).toContainText("no_submitted_responses");
  await expect.poll(() => previewIndexes(page)).toEqual(noSubmitted);
  for (const index of noSubmitted) {
    await expect(record(page, index).getByTestId("drop-badge")).toHaveText("dropped: no_submitted_responses");
  }
  await page.screenshot({ path: path.join(SHOTS, "task-builder-drop-reason.png"), fullPage: true });

  await page.getByRole("button", { name: "Back to all records" }).click();
  await expect.poll(() => previewIndexes(page)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await page.getByRole("button", { name: "Next page →" }).click();
  await expect.poll(() => previewIndexes(page)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
});

test("formatting function: rows, then an error next to the record it broke on; the URL restores it all", async ({ page }) => {
  const dpo = {
    task: "direct_preference_optimization",
    mode: "template",
    template: { prompt: "{prompt}", chosen: { from_ranking: "preference", rank: "best" }, rejected: { from_ranking: "preference", rank: "worst" } },
  };
  await page.goto(`${builderPath}?task=${encodeURIComponent(JSON.stringify(dpo))}&framework=trl`);
  await expect.poll(() => formattedRows(page, unanimous.index)).toEqual([unanimous.row]);

  await page.getByRole("radio", { name: "Formatting function" }).check();
  const editor = page.getByLabel("Formatting function code");
  // Prefilled with a working example written with this dataset's names.
  await expect(editor).toHaveValue(/function formatting_func\(sample\)/);
  await expect(editor).toHaveValue(/sample\["preference"\]/);
  await expect(editor).toHaveValue(/sample\["prompt"\]/);
  // The example reads the first submitted ranking: the unanimous record gives the same row.
  await expect.poll(() => formattedRows(page, unanimous.index)).toEqual([unanimous.row]);

  // Tab indents inside the editor instead of leaving it.
  await editor.focus();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await page.keyboard.type("// tabbed");
  await expect(editor).toHaveValue(/\n {2}\/\/ tabbed$/);

  // Break it for one record: the error shows next to that record, the others keep their rows.
  const broken = rows[unanimous.index]!.external_id;
  const source = [
    "function formatting_func(sample) {",
    `  if (sample.external_id === ${JSON.stringify(broken)}) throw new Error("broken on purpose");`,
    '  return [sample["prompt"], sample["response-1"], sample["response-2"]];',
    "}",
  ].join("\n");
  await editor.fill(source);
  const error = record(page, unanimous.index).getByTestId("record-error");
  await expect(error).toContainText("broken on purpose");
  await expect(error).toContainText(`external_id ${broken}`);
  await expect(page.getByTestId("record-error")).toHaveCount(1);
  const other = unanimous.index === 0 ? 1 : 0;
  await expect.poll(() => formattedRows(page, other)).toEqual([{ prompt: rows[other]!.prompt, chosen: rows[other]!["response-1"], rejected: rows[other]!["response-2"] }]);
  // The whole-dataset diagnostics cannot prepare it: they say why.
  await expect(page.getByTestId("diagnostics-error")).toContainText("broken on purpose");
  await page.screenshot({ path: path.join(SHOTS, "task-builder-function-error.png"), fullPage: true });

  // The URL holds the builder state: a reload shows the same function and the same error.
  await expect.poll(() => new URL(page.url()).searchParams.get("task")).toContain("broken on purpose");
  await page.reload();
  await expect(page.getByRole("radio", { name: "Formatting function" })).toBeChecked();
  await expect(page.getByLabel("Task", { exact: true })).toHaveValue("direct_preference_optimization");
  await expect(page.getByLabel("Framework", { exact: true })).toHaveValue("trl");
  await expect(page.getByLabel("Formatting function code")).toHaveValue(source);
  await expect(record(page, unanimous.index).getByTestId("record-error")).toContainText("broken on purpose");

  // A syntax error is a task-level error; fixing it brings the rows back.
  await page.getByLabel("Formatting function code").fill("function formatting_func(sample) { return [sample.prompt, ; }");
  await expect(page.getByTestId("task-error")).toContainText("syntax error");
  await page.getByLabel("Formatting function code").fill(source.replace("broken on purpose", "still fine").replace(/if \(.*\n/, ""));
  await expect(page.getByTestId("task-error")).toHaveCount(0);
  await expect(page.getByTestId("record-error")).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, "task-builder-function.png"), fullPage: true });
});
