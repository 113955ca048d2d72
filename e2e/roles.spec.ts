/**
 * Sign-in and roles in the browser: the admin (signed in by global-setup.ts) adds a member and a
 * viewer on the People page; each signs in on the sign-in page in a browser of their own. The
 * viewer reads datasets but finds the import controls and Delete disabled, and the server refuses
 * the viewer's mutations and uploads even when sent by hand; the member may delete. Signing out
 * sends the browser back to sign-in.
 */
import type { Browser } from "@playwright/test";
import { expect, test, type Page } from "./helpers/test";

const stamp = Date.now().toString(36);
const PASSWORD = "a password of the tests";
const people = {
  member: { email: `member-${stamp}@studio.test`, name: "Mia Member" },
  viewer: { email: `viewer-${stamp}@studio.test`, name: "Vic Viewer" },
};

/** A browser with no session, signed in through the sign-in page. */
async function signInAs(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/datasets/sentiment-reviews");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fdatasets%2Fsentiment-reviews$/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/datasets\/sentiment-reviews$/);
  await expect(page.getByTestId("signed-in-as")).toContainText(email);
  return page;
}

test("the admin adds a member and a viewer; the viewer reads but cannot change anything", async ({ page, browser }) => {
  await page.goto("/users");
  await expect(page.getByTestId("signed-in-as")).toContainText("(admin)");
  for (const [role, person] of Object.entries(people)) {
    const form = page.getByRole("region", { name: "Add a person" });
    await form.getByLabel("Email").fill(person.email);
    await form.getByLabel("Name").fill(person.name);
    await form.getByLabel("Password (12 characters or more)").fill(PASSWORD);
    await form.getByLabel("Role").selectOption(role);
    await form.getByRole("button", { name: "Add" }).click();
    await expect(page.getByRole("combobox", { name: `Role of ${person.email}` })).toHaveValue(role);
  }

  const viewer = await signInAs(browser, people.viewer.email);
  await expect(viewer.getByRole("button", { name: "Delete" })).toBeDisabled();
  await expect(viewer.getByTestId("signed-in-as")).toContainText("(viewer)");
  await expect(viewer.getByRole("link", { name: "People" })).toHaveCount(0);
  await viewer.goto("/");
  await expect(viewer.getByRole("region", { name: "Datasets" }).getByRole("table")).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Upload and import" })).toBeDisabled();
  await viewer.getByText("Import from a path on the server").click();
  await expect(viewer.getByRole("button", { name: "Import from path" })).toBeDisabled();

  // Sent by hand from the viewer's page, with its cookie: refused by the server too.
  const refused = await viewer.evaluate(async () => {
    const post = (name: string, body: unknown) => fetch(`/api/trpc/${name}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.status);
    return {
      delete: await post("datasets.delete", { name: "sentiment-reviews" }),
      importFromPath: await post("datasets.importFromPath", { path: "samples/faq-qa" }),
      addPerson: await post("users.create", { email: "x@studio.test", name: "X", password: "123456789012", role: "admin" }),
      upload: await fetch("/api/uploads/00000000-0000-4000-8000-000000000000/a.jsonl", { method: "PUT", body: "{}" }).then((r) => r.status),
      read: await fetch("/api/trpc/datasets.list").then((r) => r.status),
    };
  });
  expect(refused).toEqual({ delete: 403, importFromPath: 403, addPerson: 403, upload: 403, read: 200 });
  await viewer.goto("/datasets/sentiment-reviews");
  await expect(viewer.getByRole("heading", { name: "sentiment-reviews" })).toBeVisible();

  const member = await signInAs(browser, people.member.email);
  await expect(member.getByRole("button", { name: "Delete" })).toBeEnabled();

  // Signing out ends the session: the next page goes to sign-in.
  await viewer.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(viewer).toHaveURL(/\/sign-in$/);
  await viewer.goto("/");
  await expect(viewer).toHaveURL(/\/sign-in$/);
  await viewer.context().close();
  await member.context().close();
});

test("a wrong password is told on the sign-in page", async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByLabel("Email").fill(people.viewer.email);
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("sign-in-error")).toContainText("Wrong email or password.");
  await context.close();
});
