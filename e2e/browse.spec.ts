/**
 * The records browser end to end: upload an export, filter, open records, walk them with j/k,
 * share a filtered URL, and see a broken export rejected. The data is written by the test (see
 * helpers/reviews-export.ts for the table the expected numbers come from).
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "./helpers/test";
import { RECORD_COUNT, reviewsExportFiles, reviewsExportZip } from "./helpers/reviews-export";

test.describe.configure({ mode: "serial" });

// Unique per run: with a CI's own DATABASE_URL the database may hold earlier runs' datasets.
const RUN = Date.now().toString(36);
const DATASET = `e2e-reviews-${RUN}`;
const datasetPath = `/datasets/${DATASET}`;

async function rowIndices(page: Page): Promise<number[]> {
  const texts = await page.getByTestId("row-index").allTextContents();
  // Rows show record numbers from 1; the tests speak of 0-based indices, as the URLs do.
  return texts.map((t) => Number(t.replace("#", "")) - 1);
}

/** Waits until the list shows exactly these records (the count and rows update asynchronously). */
async function expectRecords(page: Page, count: string, indices: number[]) {
  await expect(page.getByTestId("record-count")).toHaveText(count);
  await expect.poll(() => rowIndices(page)).toEqual(indices);
}

/** The home page, once hydrated (the table is fetched by the browser): file inputs work from then on. */
async function openHome(page: Page) {
  await page.goto("/");
  await expect(page.getByRole("region", { name: "Datasets" }).getByRole("table")).toBeVisible();
}

async function chooseAnnotators(page: Page, names: string[]) {
  await page.getByRole("button", { name: /^Annotators:/ }).click();
  const group = page.getByRole("group", { name: "Annotators" });
  for (const name of names) await group.getByRole("checkbox", { name }).check();
  await page.keyboard.press("Escape");
}

test("(a) uploads a .zip export with upload and import progress, then lists the dataset", async ({ page }) => {
  const zip = reviewsExportZip();
  await openHome(page);
  await page.getByLabel("Choose .zip file").setInputFiles({ name: "reviews.zip", mimeType: "application/zip", buffer: zip });
  await expect(page.getByText("Selected: reviews.zip")).toBeVisible();
  await page.getByLabel("Dataset name (optional)").fill(DATASET);
  await page.getByRole("button", { name: "Upload and import" }).click();

  const upload = page.getByRole("progressbar", { name: "Upload progress" });
  await expect(upload).toHaveAttribute("aria-valuenow", String(zip.length));
  await expect(upload).toHaveAttribute("aria-valuemax", String(zip.length));

  const importBar = page.getByRole("progressbar", { name: "Import progress" });
  await expect(importBar).toHaveAttribute("aria-valuenow", String(RECORD_COUNT));
  await expect(importBar).toHaveAttribute("aria-valuemax", String(RECORD_COUNT));
  await expect(importBar).toHaveAttribute("aria-valuetext", "100%");
  await expect(page.getByText(`Imported 10 records with 21 responses from 3 annotators.`)).toBeVisible();

  // The list refreshed: the new dataset with its counts, linking to its page.
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: DATASET, exact: true }) });
  await expect(row.getByRole("cell")).toHaveText([new RegExp(`^${DATASET}`), "10", "21", "3", "5", /\d{4}/]);
  await page.getByRole("link", { name: `Open ${DATASET}` }).click();
  await expect(page).toHaveURL(datasetPath);
  await expect(page.getByRole("heading", { level: 1, name: DATASET })).toBeVisible();
  await expectRecords(page, "10 records", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  // The import ran as a job on the worker: the jobs page (linked from the header) shows it done,
  // and the index build it queued after it.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Jobs" }).click();
  await expect(page).toHaveURL(/\/jobs$/);
  const jobs = page.getByTestId("job-row").filter({ has: page.getByRole("link", { name: DATASET, exact: true }) });
  await expect(jobs.filter({ hasText: "Import" })).toContainText("succeeded");
  await expect(jobs.filter({ hasText: "Import" })).toContainText("10 / 10 rows");
  await expect(jobs.filter({ hasText: "Search and filter indexes" })).toContainText("succeeded");
  await jobs.filter({ hasText: "Import" }).getByRole("link", { name: "Import" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Import" })).toBeVisible();
  await expect(page.getByText("1 of 1")).toBeVisible();
});

test("(a2) a name already taken is refused before the upload sends a byte", async ({ page }) => {
  await openHome(page);
  let uploads = 0;
  page.on("request", (request) => {
    if (request.url().includes("/api/uploads/")) uploads++;
  });
  await page.getByLabel("Choose .zip file").setInputFiles({ name: "reviews.zip", mimeType: "application/zip", buffer: reviewsExportZip() });
  await page.getByLabel("Dataset name (optional)").fill(DATASET);
  await page.getByRole("button", { name: "Upload and import" }).click();
  await expect(page.getByTestId("import-error")).toContainText(`a dataset named "${DATASET}" already exists`);
  expect(uploads).toBe(0);
});

test("(b) filters by annotator, response status and search; the count and rows follow", async ({ page }) => {
  await page.goto(datasetPath);
  await expectRecords(page, "10 records", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  // Annotator bbbbbbbb responded to every record but 7 and 8.
  await chooseAnnotators(page, ["bbbbbbbb"]);
  await expectRecords(page, "8 records", [0, 1, 2, 3, 4, 5, 6, 9]);

  const status = page.getByLabel("Annotator response status");
  await status.selectOption("submitted");
  await expectRecords(page, "5 records", [0, 2, 4, 6, 9]);
  await status.selectOption("draft");
  await expectRecords(page, "3 records", [1, 3, 5]);
  await expect(page).toHaveURL(/filter=/);

  // Per-question status: only record 8 has no answer to Quality.
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expectRecords(page, "10 records", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await page.getByLabel("Response status question", { exact: true }).selectOption({ label: "Quality" });
  await page.getByLabel("Response status", { exact: true }).selectOption("pending");
  await expectRecords(page, "1 record", [8]);
  await expect(page.getByTestId("record-row")).toContainText("pending");

  // Full-text search, debounced: "number 7" is only in record 7's reply.
  await page.getByRole("button", { name: "Clear filters" }).click();
  await page.getByLabel("Search records").fill("number 7");
  await expectRecords(page, "1 record", [7]);
});

test("(c) opens a record: fields, responses, suggestion, agreement; j / k walk the filtered view", async ({ page }) => {
  await page.goto(datasetPath);
  await chooseAnnotators(page, ["bbbbbbbb"]);
  await page.getByLabel("Annotator response status").selectOption("submitted");
  await expectRecords(page, "5 records", [0, 2, 4, 6, 9]);

  // In the list, j moves the highlight (records 0, 2, 4) and Enter opens the highlighted record.
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  for (let i = 0; i < 3; i++) await page.keyboard.press("j");
  await expect(page.locator("[data-testid=record-row][data-highlighted]")).toContainText("#5");
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(new RegExp(`${datasetPath}/records/4\\?filter=`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Record 5");

  const fields = page.getByRole("region", { name: "Fields" });
  await expect(fields.locator("strong")).toHaveText("Customer 4"); // Markdown field rendered
  await expect(fields).toContainText("Reply number 4: thanks for writing, we are on it.");

  const responses = page.getByRole("region", { name: "Responses" });
  await expect(responses.getByRole("list", { name: "Annotators" }).getByRole("listitem")).toHaveText([
    "aaaaaaaasubmitted",
    "bbbbbbbbsubmitted",
    "ccccccccsubmitted",
  ]);
  const quality = responses.getByRole("article", { name: "Question Quality" });
  await expect(quality).toContainText("majority 2/3");
  await expect(quality.getByRole("row")).toHaveText([/aaaaaaaa\s*submitted\s*Good reply/, /bbbbbbbb\s*submitted\s*Good reply/, /cccccccc\s*submitted\s*Bad reply/, /suggestion/]);
  await expect(quality.getByTestId("suggestion")).toContainText("Good reply");
  await expect(quality.getByTestId("suggestion")).toContainText("score 0.87 · agent clf-v2");
  await expect(responses.getByRole("article", { name: "Question Topics" })).toContainText("unanimous 2/2");
  await expect(responses.getByRole("article", { name: "Question Score" })).toContainText("split 1/2");
  const ranking = responses.getByRole("article", { name: "Question Preference" }).getByRole("listitem");
  await expect(ranking).toHaveText(["1.reply-b", "2.reply-a"]);
  await expect(page.getByRole("region", { name: "Metadata" })).toContainText("source");

  // j / k follow the filtered order 0, 2, 4, 6, 9.
  const index = page.getByTestId("record-index");
  await page.keyboard.press("j");
  await expect(index).toHaveText("7");
  await page.keyboard.press("j");
  await expect(index).toHaveText("10");
  await expect(page.getByRole("button", { name: /Next/ })).toBeDisabled();
  await page.keyboard.press("k");
  await expect(index).toHaveText("7");
  await page.keyboard.press("k");
  await page.keyboard.press("k");
  await expect(index).toHaveText("3");
  await page.keyboard.press("k");
  await expect(index).toHaveText("1");
  await expect(page).toHaveURL(/\/records\/0\?filter=/);
  // Record 0 also has a discarded response.
  await expect(page.getByRole("list", { name: "Annotators" })).toContainText("ccccccccdiscarded");

  // Back to the list keeps the view.
  await page.getByRole("link", { name: "Back to list" }).click();
  await expectRecords(page, "5 records", [0, 2, 4, 6, 9]);
});

test("(d) a reloaded or shared filtered URL restores the controls and the results", async ({ page }) => {
  await page.goto(datasetPath);
  await chooseAnnotators(page, ["cccccccc"]);
  await page.getByLabel("Annotator response status").selectOption("submitted");
  await expectRecords(page, "3 records", [4, 6, 9]);
  await page.getByLabel("Length min").fill("50");
  await expectRecords(page, "2 records", [6, 9]);
  await page.getByLabel("Sort by").selectOption({ label: "Length" });
  await page.getByLabel("Sort order").selectOption("desc");
  await expectRecords(page, "2 records", [9, 6]);
  await expect(page).toHaveURL(/sort=length&order=desc/);

  const shared = page.url();
  for (const open of [() => page.reload(), () => page.goto(shared)]) {
    await open();
    await expectRecords(page, "2 records", [9, 6]);
    await expect(page.getByRole("button", { name: "Annotators: cccccccc" })).toBeVisible();
    await expect(page.getByLabel("Annotator response status")).toHaveValue("submitted");
    await expect(page.getByLabel("Length min")).toHaveValue("50");
    await expect(page.getByLabel("Length max")).toHaveValue("");
    await expect(page.getByLabel("Sort by")).toHaveValue("length");
    await expect(page.getByLabel("Sort order")).toHaveValue("desc");
  }
});

test("(e) a malformed export shows the server's error naming file and line, and creates nothing", async ({ page }) => {
  const broken = `e2e-broken-${RUN}`;
  await openHome(page);
  // Dropped this time, onto the drop zone (a synthetic drop of one file).
  const zip = reviewsExportZip({ breakLine: 3 });
  const dataTransfer = await page.evaluateHandle((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], "broken.zip", { type: "application/zip" }));
    return transfer;
  }, [...zip]);
  await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer });
  await expect(page.getByText("Selected: broken.zip")).toBeVisible();
  await page.getByLabel("Dataset name (optional)").fill(broken);
  await page.getByRole("button", { name: "Upload and import" }).click();

  const error = page.getByTestId("import-error");
  await expect(error).toBeVisible();
  await expect(error).toContainText("data/train.jsonl line 3: invalid JSON");
  await expect(page.getByRole("link", { name: `Open ${broken}` })).toHaveCount(0);

  await page.reload();
  await expect(page.getByRole("link", { name: DATASET, exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: broken })).toHaveCount(0);
});

test("(f) uploads an export folder, keeping its layout (argilla.yaml + data/)", async ({ page }, testInfo) => {
  const folder = testInfo.outputPath("reviews-folder");
  for (const [name, content] of Object.entries(reviewsExportFiles())) {
    fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    fs.writeFileSync(path.join(folder, name), content);
  }
  const name = `e2e-folder-${RUN}`;
  await openHome(page);
  await page.getByLabel("Choose export folder").setInputFiles(folder);
  await expect(page.getByText("Selected: reviews-folder/ (2 files)")).toBeVisible();
  await page.getByLabel("Dataset name (optional)").fill(name);
  await page.getByRole("button", { name: "Upload and import" }).click();
  await expect(page.getByRole("progressbar", { name: "Import progress" })).toHaveAttribute("aria-valuetext", "100%");
  await page.getByRole("link", { name: `Open ${name}` }).click();
  await expect(page.getByTestId("record-count")).toHaveText("10 records");
});
