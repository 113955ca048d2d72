/**
 * The session cache (server/auth/session-cache.ts) through the real route handlers: a session is
 * remembered for SESSION_CACHE_SECONDS (a change made by another process shows after that), never
 * past its own or its token's expiry, and every change made in this process that ends a session or
 * changes a person takes effect on the very next request: sign-out, sign-out everywhere, revoked
 * sessions, a role set through tRPC or better-auth's admin endpoints, a ban, a removal, a revoked
 * API token.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { connect, type Database } from "../../server/db/client";
import { authFor } from "../../server/auth/auth";
import { cachedSessionUser, credentialsKey, forgetSessionsOf, SESSION_CACHE_SECONDS } from "../../server/auth/session-cache";
import { callerFor, createPerson, signIn, type TestPerson } from "./sessions";
import * as trpcRoute from "../../app/api/trpc/[trpc]/route";
import * as authRoute from "../../app/api/auth/[...all]/route";

const ORIGIN = "http://localhost:3000";
let db: Database;
let admin: TestPerson;

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  vi.stubEnv("DATABASE_URL", inject("databaseUrl")); // the routes' own connection (serverDatabase)
  admin = await createPerson(db, "admin");
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await db.close();
});

type Credentials = { cookie: string } | { token: string };

function headersOf(credentials: Credentials): Record<string, string> {
  const headers: Record<string, string> = { host: "localhost:3000", origin: ORIGIN, "content-type": "application/json" };
  if ("cookie" in credentials) headers.cookie = credentials.cookie;
  else headers.authorization = `Bearer ${credentials.token}`;
  return headers;
}

/** users.me over the tRPC route: the person and role a request acts as, or the refusal's status. */
async function me(credentials: Credentials): Promise<{ id: string; role: string } | number> {
  const response = await trpcRoute.GET(new Request(`${ORIGIN}/api/trpc/users.me`, { headers: headersOf(credentials) }));
  if (!response.ok) {
    await response.body?.cancel();
    return response.status;
  }
  const { id, role } = (await response.json()).result.data;
  return { id, role };
}

async function trpcMutation(name: string, credentials: Credentials, input: unknown): Promise<number> {
  const response = await trpcRoute.POST(new Request(`${ORIGIN}/api/trpc/${name}`, { method: "POST", headers: headersOf(credentials), body: JSON.stringify(input) }));
  await response.body?.cancel();
  return response.status;
}

/** A better-auth endpoint through the app's /api/auth route, as the browser posts to it. */
async function authPost(path: string, credentials: Credentials, body: unknown = {}): Promise<number> {
  const response = await authRoute.POST(new Request(`${ORIGIN}/api/auth${path}`, { method: "POST", headers: headersOf(credentials), body: JSON.stringify(body) }));
  await response.body?.cancel();
  return response.status;
}

/** Moves this process's clock (Date only: PostgreSQL and the pools keep real time). */
function advanceClock(seconds: number) {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  vi.setSystemTime(Date.now() + seconds * 1000);
}

describe("the session cache", () => {
  it(`remembers a session for ${SESSION_CACHE_SECONDS} s: a change made by another process shows after that`, async () => {
    const member = await createPerson(db, "member");
    expect(await me(member)).toEqual({ id: member.id, role: "member" });
    // Another process (a second web server) changes the role: this one does not hear of it.
    await db.pool.query("UPDATE auth_user SET role = 'viewer' WHERE id = $1", [member.id]);
    expect(await me(member)).toMatchObject({ role: "member" });
    advanceClock(SESSION_CACHE_SECONDS + 0.5);
    expect(await me(member)).toMatchObject({ role: "viewer" });
  });

  it("never serves a token past its expiry, nor any session past the expiry its lookup gave", async () => {
    const member = await createPerson(db, "member");
    const { key: token } = await authFor(db).api.createApiKey({ body: { name: "script", userId: member.id } });
    await db.pool.query("UPDATE auth_api_token SET expires_at = now() + interval '2 seconds' WHERE user_id = $1", [member.id]);
    expect(await me({ token })).toMatchObject({ id: member.id });
    advanceClock(3); // within the cache's TTL, past the token's expiry
    expect(await me({ token })).toBe(401);
    // A cookie's session near its end is extended by better-auth when used, so the rule is shown
    // on the cache itself: an entry ends with the session the lookup returned.
    let lookups = 0;
    const lookup = async () => (lookups++, { user: { id: member.id, email: member.email, name: "", role: "member" as const }, expiresAt: new Date(Date.now() + 2000) });
    expect(await cachedSessionUser("near its end", lookup)).toMatchObject({ id: member.id });
    expect(await cachedSessionUser("near its end", lookup)).toMatchObject({ id: member.id });
    expect(lookups).toBe(1);
    advanceClock(3);
    await cachedSessionUser("near its end", lookup);
    expect(lookups).toBe(2);
  });

  it("looks a session in use up again in the background past half the TTL, and drops it if it ended meanwhile", async () => {
    const person = { id: "refreshed", email: "", name: "", role: "member" as const };
    let answer: { user: typeof person; expiresAt: Date } | null = { user: person, expiresAt: new Date(Date.now() + 3_600_000) };
    let lookups = 0;
    const lookup = async () => (lookups++, answer);
    expect(await cachedSessionUser("in use", lookup)).toMatchObject({ id: "refreshed" });
    advanceClock(SESSION_CACHE_SECONDS * 0.6);
    answer = null; // ended by another process
    expect(await cachedSessionUser("in use", lookup)).toMatchObject({ id: "refreshed" }); // served, not waited for
    expect(lookups).toBe(2);
    await vi.waitFor(async () => expect(await cachedSessionUser("in use", lookup)).toBeNull());
  });

  it("keys its entries by a hash: neither the cookie nor the token appears in a key", async () => {
    const member = await createPerson(db, "member");
    const key = credentialsKey(new Headers({ cookie: member.cookie, authorization: "Bearer studio_secret" }))!;
    expect(key).toMatch(/^[\w-]{43}$/);
    expect(key).not.toContain(member.cookie.split("=")[1]!.slice(0, 8));
    expect(key).not.toContain("studio_secret");
    expect(credentialsKey(new Headers())).toBeNull();
  });

  it("does not remember a lookup that was under way when the person's sessions were forgotten", async () => {
    let finish!: (value: { user: { id: string; email: string; name: string; role: "member" }; expiresAt: Date }) => void;
    const stale = cachedSessionUser("race", () => new Promise((resolve) => (finish = resolve)));
    forgetSessionsOf("someone"); // e.g. a sign-out committed while the lookup read the old row
    finish({ user: { id: "someone", email: "", name: "", role: "member" }, expiresAt: new Date(Date.now() + 60_000) });
    await stale;
    let lookups = 0;
    expect(await cachedSessionUser("race", async () => (lookups++, null))).toBeNull();
    expect(lookups).toBe(1);
  });
});

describe("a change in this process takes effect on the next request", () => {
  it("sign-out ends that session, and the person's other sessions stay", async () => {
    const member = await createPerson(db, "member");
    const phone = { cookie: await signIn(db, member.email, member.password) };
    expect(await me(member)).toMatchObject({ id: member.id });
    expect(await me(phone)).toMatchObject({ id: member.id });
    expect(await authPost("/sign-out", member)).toBe(200);
    expect(await me(member)).toBe(401);
    expect(await me(phone)).toMatchObject({ id: member.id });
  });

  it("sign-out everywhere ends every session of the person", async () => {
    const member = await createPerson(db, "member");
    const phone = { cookie: await signIn(db, member.email, member.password) };
    expect(await me(member)).toMatchObject({ id: member.id });
    expect(await me(phone)).toMatchObject({ id: member.id });
    expect(await authPost("/revoke-sessions", phone)).toBe(200);
    expect(await me(member)).toBe(401);
    expect(await me(phone)).toBe(401);
  });

  it("the admin revoking a person's sessions (better-auth's admin endpoint) ends them", async () => {
    const member = await createPerson(db, "member");
    expect(await me(member)).toMatchObject({ id: member.id });
    expect(await authPost("/admin/revoke-user-sessions", admin, { userId: member.id })).toBe(200);
    expect(await me(member)).toBe(401);
  });

  it("a role set through tRPC (users.setRole) or better-auth's admin endpoint applies at once, to cookies and tokens", async () => {
    const member = await createPerson(db, "member");
    const { token } = await callerFor(db, member).apiTokens.create({ name: "cli" });
    expect(await me(member)).toMatchObject({ role: "member" });
    expect(await me({ token })).toMatchObject({ role: "member" });
    expect(await trpcMutation("users.setRole", admin, { id: member.id, role: "viewer" })).toBe(200);
    expect(await me(member)).toMatchObject({ role: "viewer" });
    expect(await me({ token })).toMatchObject({ role: "viewer" });
    expect(await authPost("/admin/set-role", admin, { userId: member.id, role: "member" })).toBe(200);
    expect(await me(member)).toMatchObject({ role: "member" });
    expect(await me({ token })).toMatchObject({ role: "member" });
  });

  it("a ban ends the person's sessions and stops their tokens", async () => {
    const member = await createPerson(db, "member");
    const { key: token } = await authFor(db).api.createApiKey({ body: { name: "cli", userId: member.id } });
    expect(await me(member)).toMatchObject({ id: member.id });
    expect(await me({ token })).toMatchObject({ id: member.id });
    expect(await authPost("/admin/ban-user", admin, { userId: member.id })).toBe(200);
    expect(await me(member)).toBe(401);
    expect(await me({ token })).toBe(401);
  });

  it("removing a person (users.remove, or better-auth's admin endpoint) ends their sessions and tokens", async () => {
    for (const remove of [
      (id: string) => trpcMutation("users.remove", admin, { id }),
      (id: string) => authPost("/admin/remove-user", admin, { userId: id }),
    ]) {
      const member = await createPerson(db, "member");
      const { key: token } = await authFor(db).api.createApiKey({ body: { name: "cli", userId: member.id } });
      expect(await me(member)).toMatchObject({ id: member.id });
      expect(await me({ token })).toMatchObject({ id: member.id });
      expect(await remove(member.id)).toBe(200);
      expect(await me(member)).toBe(401);
      expect(await me({ token })).toBe(401);
    }
  });

  it("a revoked API token (apiTokens.revoke) stops working, and the owner's other token and session go on", async () => {
    const member = await createPerson(db, "member");
    const caller = callerFor(db, member);
    const revoked = await caller.apiTokens.create({ name: "old laptop" });
    const kept = await caller.apiTokens.create({ name: "new laptop" });
    expect(await me({ token: revoked.token })).toMatchObject({ id: member.id });
    expect(await me({ token: kept.token })).toMatchObject({ id: member.id });
    expect(await trpcMutation("apiTokens.revoke", member, { id: revoked.id })).toBe(200);
    expect(await me({ token: revoked.token })).toBe(401);
    expect(await me({ token: kept.token })).toMatchObject({ id: member.id });
    expect(await me(member)).toMatchObject({ id: member.id });
  });
});
