/**
 * GET /api/records, the record list's pages: records.list's page for the same query, refused as a
 * viewerProcedure refuses (no session: 401), a bad query or an unknown dataset said as such.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { connect, type Database } from "../../server/db/client";
import { createCaller } from "../../server/api/root";
import { IN_PROCESS_ADMIN } from "../../server/auth/roles";
import { importFromPath } from "../../server/services/imports";
import { createPerson, type TestPerson } from "../auth/sessions";
import { GET } from "../../app/api/records/route";

let db: Database;
let viewer: TestPerson;
const name = `records-route-${Date.now()}`;

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  vi.stubEnv("DATABASE_URL", inject("databaseUrl")); // the route's own connection (serverDatabase)
  await importFromPath(db.bulk, path.resolve("samples/sentiment-reviews"), { name });
  viewer = await createPerson(db, "viewer");
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await db?.close();
});

const get = (input: unknown, cookie?: string) =>
  GET(new Request(`http://localhost:3000/api/records?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: cookie ? { cookie } : {} }));

describe("GET /api/records", () => {
  it("answers a viewer with records.list's page, pages on with its cursor, and is not compressed", async () => {
    const records = createCaller({ db, user: IN_PROCESS_ADMIN }).records;
    for (const input of [
      { dataset: name, filter: { search: "great" }, sort: { by: "index", order: "desc" }, cursor: { index: 100 }, limit: 5 },
      { dataset: name, sort: { by: "index", order: "asc" }, limit: 50 },
    ] as const) {
      const response = await get(input, viewer.cookie);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(response.headers.get("cache-control")).toBe("no-transform");
      const page = await response.json();
      expect(page.records.length).toBeGreaterThan(0);
      expect(page).toEqual(await records.list(input));
    }
    const first = await (await get({ dataset: name, limit: 50 }, viewer.cookie)).json();
    const second = await (await get({ dataset: name, limit: 50, cursor: first.nextCursor }, viewer.cookie)).json();
    expect(second.records[0].index).toBe(first.records[49].index + 1);
  });

  it("refuses without a session, and says what is wrong with a bad query or an unknown dataset", async () => {
    expect((await get({ dataset: name })).status).toBe(401);
    const bad = await get({ dataset: name, limit: 1000 }, viewer.cookie);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/Bad records query/);
    const unreadable = await GET(new Request("http://localhost:3000/api/records?input=%7B", { headers: { cookie: viewer.cookie } }));
    expect(unreadable.status).toBe(400);
    const unknown = await get({ dataset: `${name}-missing` }, viewer.cookie);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toContain(`${name}-missing`);
  });
});
