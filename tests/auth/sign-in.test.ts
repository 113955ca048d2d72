/**
 * Sign-in through better-auth's HTTP handler as the browser uses it: the session cookie's
 * attributes, wrong passwords, sign-out and sign-out everywhere, the rate limit, and the first
 * admin that `npm start` creates.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type pg from "pg";
import { connect, type Database } from "../../server/db/client";
import { authFor, SIGN_IN_ATTEMPTS_PER_MINUTE } from "../../server/auth/auth";
import { createFirstAdmin } from "../../server/auth/first-admin";
import { requestUser } from "../../server/auth/session";
import { cookieFrom, createPerson, signIn } from "./sessions";

let db: Database;
const ORIGIN = "http://localhost:3000";

beforeAll(() => {
  db = connect(inject("databaseUrl"));
});
afterAll(() => db.close());

function post(path: string, body: unknown, cookie?: string, origin = ORIGIN): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json", origin, host: new URL(origin).host };
  if (cookie) headers.cookie = cookie;
  return authFor(db).handler(new Request(`${origin}/api/auth${path}`, { method: "POST", headers, body: JSON.stringify(body) }));
}

const userOf = (cookie: string) => requestUser(authFor(db), new Headers({ cookie }));

describe("sign-in", () => {
  it("sets an httpOnly SameSite session cookie that names the person and their role", async () => {
    const member = await createPerson(db, "member");
    const response = await post("/sign-in/email", { email: member.email, password: member.password });
    expect(response.status).toBe(200);
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith("studio.session_token="))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(await userOf(cookieFrom(response))).toMatchObject({ id: member.id, email: member.email, role: "member" });
  });

  it("signs in by whichever name the studio is opened by (localhost, 127.0.0.1), not only the first one used", async () => {
    const member = await createPerson(db, "member");
    for (const origin of [ORIGIN, "http://127.0.0.1:3000", "http://[::1]:3000"]) {
      // With a cookie in the request (a browser that holds any), better-auth checks the Origin.
      const response = await post("/sign-in/email", { email: member.email, password: member.password }, "theme=light", origin);
      expect(response.status, origin).toBe(200);
    }
  });

  it("refuses a wrong password and an unknown person alike, and stores no password in clear", async () => {
    const viewer = await createPerson(db, "viewer");
    expect((await post("/sign-in/email", { email: viewer.email, password: "not the password" })).status).toBe(401);
    expect((await post("/sign-in/email", { email: "nobody@test.local", password: "not the password" })).status).toBe(401);
    const { rows } = await db.pool.query("SELECT password FROM auth_account WHERE user_id = $1", [viewer.id]);
    expect(rows[0].password).not.toContain(viewer.password);
    expect(rows[0].password).toMatch(/^[0-9a-f]+:[0-9a-f]+$/); // scrypt: salt:key
  });

  it("has no sign-up: only an admin creates people", async () => {
    expect((await post("/sign-up/email", { email: "new@test.local", password: "a long enough password", name: "New" })).status).toBe(400);
  });

  it("signs out one session, or every session of the person", async () => {
    const member = await createPerson(db, "member");
    const laptop = member.cookie;
    const phone = await signIn(db, member.email, member.password);
    const tablet = await signIn(db, member.email, member.password);
    expect((await post("/sign-out", {}, laptop)).status).toBe(200);
    expect(await userOf(laptop)).toBeNull();
    expect(await userOf(phone)).not.toBeNull();
    expect((await post("/revoke-sessions", {}, phone)).status).toBe(200);
    expect(await userOf(phone)).toBeNull();
    expect(await userOf(tablet)).toBeNull();
  });

  it(`allows ${SIGN_IN_ATTEMPTS_PER_MINUTE} sign-in attempts a minute, then answers 429 even to the right password`, async () => {
    const viewer = await createPerson(db, "viewer");
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_MINUTE + 2; i++) statuses.push((await post("/sign-in/email", { email: viewer.email, password: `guess ${i}` })).status);
    expect(statuses).toContain(429);
    expect(statuses.slice(-1)).toEqual([429]);
    expect((await post("/sign-in/email", { email: viewer.email, password: viewer.password })).status).toBe(429);
  });
});

describe("the first admin", () => {
  const empty = { query: async () => ({ rows: [{ present: false }] }) } as unknown as pg.Pool;
  const someone = { query: async () => ({ rows: [{ present: true }] }) } as unknown as pg.Pool;

  it("is created with a generated password, returned once, that signs in as an admin", async () => {
    const email = `first-admin-${Date.now()}@test.local`;
    const created = await createFirstAdmin(authFor(db), empty, { email });
    expect(created?.generatedPassword).toMatch(/^[\w-]{24}$/);
    expect(await userOf(await signIn(db, email, created!.generatedPassword!))).toMatchObject({ email, role: "admin" });
  });

  it("takes the given password, and is not created once anyone exists", async () => {
    const email = `given-admin-${Date.now()}@test.local`;
    expect(await createFirstAdmin(authFor(db), empty, { email, password: "the given password" })).toEqual({ email, generatedPassword: null });
    expect(await userOf(await signIn(db, email, "the given password"))).toMatchObject({ role: "admin" });
    expect(await createFirstAdmin(authFor(db), someone, { email: "another@test.local" })).toBeNull();
  });
});
