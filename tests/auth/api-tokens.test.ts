/**
 * Personal API tokens: created once (the token shown then and stored only as a hash), used as
 * `Authorization: Bearer` on tRPC and the HTTP routes with the owner's role, revoked at once.
 * Also: the auth tables of the migrations are exactly those better-auth and its plugins expect.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { getMigrations } from "better-auth/db/migration";
import { connect, type Database } from "../../server/db/client";
import { authFor } from "../../server/auth/auth";
import { deleteUser } from "../../server/auth/users";
import { callerFor, createPerson, type TestPerson } from "./sessions";
import * as trpcRoute from "../../app/api/trpc/[trpc]/route";
import * as exportRoute from "../../app/api/export/route";

let db: Database;
let member: TestPerson;

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  vi.stubEnv("DATABASE_URL", inject("databaseUrl")); // the routes' own connection (serverDatabase)
  member = await createPerson(db, "member");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await db.close();
});

function call(name: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const headers = { host: "localhost:3000", authorization: `Bearer ${token}`, "content-type": "application/json" };
  if (init.method === "POST") return trpcRoute.POST(new Request(`http://localhost:3000/api/trpc/${name}`, { method: "POST", headers, body: JSON.stringify(init.body ?? {}) }));
  return trpcRoute.GET(new Request(`http://localhost:3000/api/trpc/${name}`, { headers }));
}

describe("API tokens", () => {
  it("are shown once, stored as a hash, and act as their owner until revoked", async () => {
    const { id, token } = await callerFor(db, member).apiTokens.create({ name: "laptop CLI" });
    expect(token).toMatch(/^studio_\w{32,}$/);
    const { rows } = await db.pool.query("SELECT key, start FROM auth_api_token WHERE id = $1", [id]);
    expect(rows[0].key).not.toContain(token);
    expect(token.startsWith(rows[0].start)).toBe(true);
    const listed = await callerFor(db, member).apiTokens.list();
    expect(listed).toEqual([expect.objectContaining({ id, name: "laptop CLI", start: rows[0].start })]);
    expect(JSON.stringify(listed)).not.toContain(token);

    // Many calls in a row: no per-token limit.
    for (let i = 0; i < 12; i++) expect((await call("datasets.list", token)).status).toBe(200);
    // A member's mutation: authorized (the job does not exist).
    expect((await call("jobs.cancel", token, { method: "POST", body: { id: "00000000-0000-4000-8000-000000000000" } })).status).toBe(404);
    // The HTTP routes take it too (a bad query, past the check).
    expect((await exportRoute.GET(new Request("http://localhost:3000/api/export?q=%7B%7D", { headers: { authorization: `Bearer ${token}` } }))).status).toBe(400);

    await callerFor(db, member).apiTokens.revoke({ id });
    expect((await call("datasets.list", token)).status).toBe(401);
    expect(await callerFor(db, member).apiTokens.list()).toEqual([]);
  });

  it("carry the owner's role: a viewer's token reads and is refused changes", async () => {
    const viewer = await createPerson(db, "viewer");
    const { key: token } = await authFor(db).api.createApiKey({ body: { name: "script", userId: viewer.id } });
    expect((await call("datasets.list", token)).status).toBe(200);
    expect((await call("jobs.cancel", token, { method: "POST", body: { id: "00000000-0000-4000-8000-000000000000" } })).status).toBe(403);
  });

  it("refuse an unknown token, someone else's revoke, and a removed person's token", async () => {
    expect((await call("datasets.list", "studio_notatokenatallnotatokenatallnotatoken")).status).toBe(401);
    const other = await createPerson(db, "member");
    const { id, token } = await callerFor(db, other).apiTokens.create({ name: "theirs" });
    await expect(callerFor(db, member).apiTokens.revoke({ id })).rejects.toThrow("No such token");
    expect((await call("datasets.list", token)).status).toBe(200);
    await deleteUser(db.pool, other.id);
    expect((await call("datasets.list", token)).status).toBe(401);
  });
});

it("the auth tables are exactly what better-auth and its plugins expect", async () => {
  const { toBeCreated, toBeAdded } = await getMigrations(authFor(db).options);
  expect({ toBeCreated: toBeCreated.map((t) => t.table), toBeAdded: toBeAdded.map((t) => t.table) }).toEqual({ toBeCreated: [], toBeAdded: [] });
});
