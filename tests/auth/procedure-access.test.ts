/**
 * Nobody reaches what their role does not allow. The list of calls comes from the router itself
 * (every procedure) and from the app/api folder (every route file's HTTP methods), so a new
 * procedure or route without protection fails here. Each is called over HTTP, as a browser would:
 * without a session, with a viewer's and with a member's session cookie. Rules: without a session
 * only PUBLIC answers (401 for the rest); a viewer may read (queries, GET) but no mutation, no
 * other method and nothing in ADMIN_ONLY (403); a member is refused ADMIN_ONLY only. Refusals
 * come before the input is read, so no valid input is needed.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { connect, type Database } from "../../server/db/client";
import { appRouter } from "../../server/api/root";
import { createPerson, type TestPerson } from "./sessions";
import * as trpcRoute from "../../app/api/trpc/[trpc]/route";

/** Callable without a session. */
const PUBLIC = new Set(["health.check"]);
/** Refused to members and viewers. */
const ADMIN_ONLY = new Set(["users.list", "users.create", "users.setRole", "users.remove", "secrets.list", "secrets.setHuggingFaceToken", "secrets.setProvider", "secrets.remove"]);
/** Route files served by a library with its own checks (better-auth), and the tRPC route walked above. */
const ROUTES_CHECKED_ELSEWHERE = ["app/api/auth/", "app/api/trpc/"];
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

const ORIGIN = "http://localhost:3000";
let db: Database;
let viewer: TestPerson;
let member: TestPerson;

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  vi.stubEnv("DATABASE_URL", inject("databaseUrl")); // the routes' own connection (serverDatabase)
  viewer = await createPerson(db, "viewer");
  member = await createPerson(db, "member");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await db.close();
});

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: "query" | "mutation" | "subscription" } }>).map(
  ([name, procedure]) => ({ name, type: procedure._def.type }),
);

async function callProcedure(name: string, type: string, cookie?: string): Promise<number> {
  const headers: Record<string, string> = { host: "localhost:3000", "content-type": "application/json" };
  if (cookie) headers.cookie = cookie;
  const request =
    type === "mutation"
      ? new Request(`${ORIGIN}/api/trpc/${name}`, { method: "POST", headers, body: "{}" })
      : new Request(`${ORIGIN}/api/trpc/${name}?input=${encodeURIComponent("{}")}`, { headers });
  const response = await (type === "mutation" ? trpcRoute.POST : trpcRoute.GET)(request);
  await response.body?.cancel();
  return response.status;
}

function expectedStatus(name: string, type: string, who: TestPerson | null): 401 | 403 | "answered" {
  if (PUBLIC.has(name)) return "answered";
  if (!who) return 401;
  if (ADMIN_ONLY.has(name)) return 403;
  if (who.role === "viewer" && type !== "query") return 403;
  return "answered";
}

const refusal = (status: number) => (status === 401 || status === 403 ? status : "answered");

describe("every tRPC procedure", () => {
  it("is found in the router", () => {
    expect(procedures.length).toBeGreaterThan(15);
    expect(procedures.map((p) => p.name)).toContain("datasets.delete");
    expect(procedures.map((p) => p.name)).toEqual(expect.arrayContaining(["hub.push", "hub.latest"]));
  });

  for (const who of ["nobody", "viewer", "member"] as const) {
    it(`refuses what ${who === "nobody" ? "a caller without a session" : `a ${who}`} may not call`, async () => {
      const person = who === "nobody" ? null : who === "viewer" ? viewer : member;
      const got: Record<string, unknown> = {};
      const wanted: Record<string, unknown> = {};
      for (const { name, type } of procedures) {
        got[name] = refusal(await callProcedure(name, type, person?.cookie));
        wanted[name] = expectedStatus(name, type, person);
      }
      expect(got).toEqual(wanted);
    });
  }
});

/** Every app/api route file, as a path with its folders' parameters and the methods it exports. */
function routeFiles(): { file: string; params: Record<string, string | string[]> }[] {
  const found: { file: string; params: Record<string, string | string[]> }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^route\.tsx?$/.test(entry.name)) found.push({ file: path.relative(process.cwd(), full), params: paramsOf(full) });
    }
  };
  walk(path.resolve("app/api"));
  return found;
}

function paramsOf(file: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const part of file.split(path.sep)) {
    const catchAll = /^\[\.\.\.(\w+)\]$/.exec(part);
    const single = /^\[(\w+)\]$/.exec(part);
    if (catchAll) params[catchAll[1]!] = ["a.jsonl"];
    else if (single) params[single[1]!] = "00000000-0000-4000-8000-000000000000";
  }
  return params;
}

describe("every HTTP route outside tRPC", () => {
  const routes = routeFiles();

  it("is found in app/api", () => {
    expect(routes.map((r) => r.file)).toEqual(expect.arrayContaining(["app/api/export/route.ts", "app/api/records/route.ts", path.join("app/api/uploads/[uploadId]/[...path]/route.ts"), path.join("app/api/jobs/[id]/model/route.ts")]));
  });

  for (const who of ["nobody", "viewer"] as const) {
    it(`refuses ${who === "nobody" ? "a caller without a session" : "a viewer anything but reads"}`, async () => {
      const person = who === "nobody" ? null : viewer;
      const got: Record<string, unknown> = {};
      const wanted: Record<string, unknown> = {};
      for (const { file, params } of routes) {
        if (ROUTES_CHECKED_ELSEWHERE.some((prefix) => file.startsWith(prefix))) continue;
        const handlers = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, (request: Request, context: unknown) => Promise<Response>>;
        for (const method of HTTP_METHODS) {
          const handler = handlers[method];
          if (!handler) continue;
          const headers: Record<string, string> = { host: "localhost:3000" };
          if (person) headers.cookie = person.cookie;
          const body = method === "GET" || method === "HEAD" ? undefined : "x";
          const response = await handler(new Request(`${ORIGIN}/${file}?q=%7B%7D`, { method, headers, body, duplex: "half" } as RequestInit), { params: Promise.resolve(params) });
          await response.body?.cancel();
          got[`${method} ${file}`] = refusal(response.status);
          wanted[`${method} ${file}`] = !person ? 401 : method === "GET" || method === "HEAD" ? "answered" : 403;
        }
      }
      expect(Object.keys(got).length).toBeGreaterThanOrEqual(2);
      expect(got).toEqual(wanted);
    });
  }
});
