/**
 * The studio's open doors, closed: it listens on loopback only, answers no Host it does not know
 * (DNS rebinding), sends its security headers (a CSP the browser enforces, nosniff, no framing, no
 * X-Powered-By), and a remote image in a record's Markdown is never fetched.
 */
import http from "node:http";
import net from "node:net";
import os from "node:os";
import { buildZip } from "../server/feedback/test-helpers";
import { test as withoutCspCheck } from "@playwright/test";
import { expect, test } from "./helpers/test";
import { reviewsExportFiles } from "./helpers/reviews-export";
import { adminCookieHeader } from "./helpers/admin";

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A GET with the Host header we choose (a browser would send the rebinding attacker's name), as the signed-in admin. */
function rawGet(baseURL: string, pathname: string, host: string | null): Promise<RawResponse> {
  const url = new URL(baseURL);
  const address = url.hostname === "localhost" ? "127.0.0.1" : url.hostname;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = host === null ? {} : { host };
    headers.cookie = adminCookieHeader();
    const request = http.request({ host: address, port: url.port, path: pathname, headers, setHost: host !== null }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on("error", reject);
    request.end();
  });
}

test("refuses requests that name another host, on pages and on the API", async ({ baseURL }) => {
  const port = new URL(baseURL!).port;
  for (const host of ["evil.example", `evil.example:${port}`, `rebind.attacker.test:${port}`, "localhost.evil.example", `localhost:${port}@evil.example`]) {
    for (const pathname of ["/", "/api/trpc/datasets.list", "/datasets/x"]) {
      const response = await rawGet(baseURL!, pathname, host);
      expect(response.status, `Host ${JSON.stringify(host)} ${pathname}`).toBe(403);
      expect(response.body).toContain("Unknown Host header");
      expect(response.body).not.toContain("sentiment"); // no dataset data
    }
  }
  // No Host at all: Node's HTTP server refuses it before the studio sees it.
  expect((await rawGet(baseURL!, "/api/trpc/datasets.list", null)).status).toBe(400);
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, "LOCALHOST"]) {
    const page = await rawGet(baseURL!, "/", host);
    expect(page.status, `Host ${host}`).toBe(200);
    const api = await rawGet(baseURL!, "/api/trpc/datasets.list", host);
    expect(api.status, `Host ${host}`).toBe(200);
  }
});

test("listens on loopback only", async ({ baseURL }) => {
  test.skip(!!process.env.E2E_BASE_URL, "a studio started elsewhere may listen where its owner chose");
  const port = Number(new URL(baseURL!).port);
  const outside = Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address && !address.internal && address.family === "IPv4");
  test.skip(!outside, "this machine has no non-loopback IPv4 address");
  const outcome = await new Promise<string>((resolve) => {
    const socket = net.connect({ host: outside!.address, port });
    socket.once("connect", () => (socket.destroy(), resolve("connected")));
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
  expect(outcome).toBe("ECONNREFUSED");
});

// Provokes violations on purpose, so without the no-violation check of the other tests.
withoutCspCheck("sends the CSP, nosniff and frame-ancestors 'none', and no X-Powered-By", async ({ page, baseURL }) => {
  const response = await page.goto("/");
  const headers = response!.headers();
  const csp = headers["content-security-policy"];
  expect(csp).toContain("img-src 'self' data:");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("unsafe-eval"); // production build
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-powered-by"]).toBeUndefined();

  const api = await rawGet(baseURL!, "/api/trpc/datasets.list", new URL(baseURL!).host);
  expect(api.headers["x-content-type-options"]).toBe("nosniff");
  expect(api.headers["x-powered-by"]).toBeUndefined();

  // The browser enforces it: a remote image and a cross-origin fetch are refused.
  await expect(page.getByRole("region", { name: "Datasets" }).getByRole("table")).toBeVisible();
  const refused = await page.evaluate(async () => {
    const seen: string[] = [];
    document.addEventListener("securitypolicyviolation", (event) => seen.push(event.effectiveDirective));
    const image = new Image();
    image.src = "http://127.0.0.1:9/tracker.gif";
    await fetch("http://127.0.0.1:9/exfiltrate").catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 500));
    return seen.sort();
  });
  expect(refused).toEqual(["connect-src", "img-src"]);
});

test("a remote image in a record's Markdown is shown as a link and never fetched; an inline one shows", async ({ page }) => {
  const PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
  const files = reviewsExportFiles();
  const lines = files["data/train.jsonl"]!.trim().split("\n");
  const first = JSON.parse(lines[0]!) as Record<string, unknown>;
  first.prompt = `Look at ![tracker](http://127.0.0.1:9/pixel.gif?reader=1) and ![dot](${PIXEL})`;
  lines[0] = JSON.stringify(first);
  const zip = buildZip([
    { name: "argilla.yaml", data: files["argilla.yaml"]!, deflate: true },
    { name: "data/train.jsonl", data: `${lines.join("\n")}\n`, deflate: true },
  ]);
  const name = `e2e-images-${Date.now().toString(36)}`;

  const remote: string[] = [];
  page.on("request", (request) => request.url().startsWith("http://127.0.0.1:9") && remote.push(request.url()));

  await page.goto("/");
  await expect(page.getByRole("region", { name: "Datasets" }).getByRole("table")).toBeVisible();
  await page.getByLabel("Choose .zip file").setInputFiles({ name: "images.zip", mimeType: "application/zip", buffer: zip });
  await page.getByLabel("Dataset name (optional)").fill(name);
  await page.getByRole("button", { name: "Upload and import" }).click();
  await expect(page.getByText(/Imported 10 records/)).toBeVisible();

  await page.goto(`/datasets/${name}/records/0`);
  const fields = page.getByRole("region", { name: "Fields" });
  const link = fields.getByRole("link", { name: "[Image: tracker (not loaded)]" });
  await expect(link).toHaveAttribute("href", "http://127.0.0.1:9/pixel.gif?reader=1");
  await expect(fields.getByRole("img", { name: "dot" })).toHaveAttribute("src", PIXEL);
  await expect(fields.locator('img[src^="http"]')).toHaveCount(0);
  expect(remote).toEqual([]);
});
