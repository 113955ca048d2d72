/**
 * CSRF: a mutation sent from another site is refused even with a valid session cookie (proxy.ts,
 * before tRPC, the routes and better-auth); the same request from the studio's own pages passes
 * and is carried out. Programs that send neither Origin nor Sec-Fetch-Site (the CLI, curl) pass.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { connect, type Database } from "../../server/db/client";
import { proxy } from "../../proxy";
import { createPerson, type TestPerson } from "./sessions";
import * as trpcRoute from "../../app/api/trpc/[trpc]/route";

let db: Database;
let member: TestPerson;

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  vi.stubEnv("DATABASE_URL", inject("databaseUrl"));
  member = await createPerson(db, "member");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await db.close();
});

const CANCEL = "http://localhost:3000/api/trpc/jobs.cancel";
const body = JSON.stringify({ id: "00000000-0000-4000-8000-000000000000" });

function cancelRequest(headers: Record<string, string>): NextRequest {
  return new NextRequest(CANCEL, { method: "POST", body, headers: { host: "localhost:3000", "content-type": "application/json", cookie: member.cookie, ...headers } });
}

describe("a mutation with a valid session cookie", () => {
  it.each([
    ["another site's Origin", { origin: "https://evil.example" }],
    ["another port's Origin", { origin: "http://localhost:4444" }],
    ["an opaque Origin", { origin: "null" }],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", { "sec-fetch-site": "same-site", origin: "http://localhost:3000" }],
  ])("is refused when sent with %s", async (_, headers) => {
    const response = proxy(cancelRequest(headers));
    expect(response?.status).toBe(403);
    expect(await response!.text()).toContain("Cross-site request refused");
  });

  it.each([
    ["the studio's own Origin and Sec-Fetch-Site", { origin: "http://localhost:3000", "sec-fetch-site": "same-origin" }],
    ["neither header (a program)", {}],
  ])("passes with %s, and is carried out", async (_, headers) => {
    const request = cancelRequest(headers);
    expect(proxy(request)).toBeUndefined();
    const response = await trpcRoute.POST(request);
    // Authorized: the procedure ran and found no such job.
    expect(response.status).toBe(404);
  });

  it("reads stay open to links from other sites (GET changes nothing)", () => {
    const request = new NextRequest("http://localhost:3000/api/trpc/datasets.list", { headers: { host: "localhost:3000", cookie: member.cookie, "sec-fetch-site": "cross-site" } });
    expect(proxy(request)).toBeUndefined();
  });
});

describe("pages", () => {
  it("send a browser without a session cookie to sign-in, keeping where it was going", () => {
    const response = proxy(new NextRequest("http://localhost:3000/datasets/x?view=1", { headers: { host: "localhost:3000" } }));
    expect(response?.status).toBe(307);
    expect(response?.headers.get("location")).toBe("http://localhost:3000/sign-in?next=%2Fdatasets%2Fx%3Fview%3D1");
    expect(proxy(new NextRequest("http://localhost:3000/sign-in", { headers: { host: "localhost:3000" } }))).toBeUndefined();
    expect(proxy(new NextRequest("http://localhost:3000/datasets/x", { headers: { host: "localhost:3000", cookie: member.cookie } }))).toBeUndefined();
  });
});
