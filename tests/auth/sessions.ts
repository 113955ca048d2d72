/**
 * People and their session cookies for tests: a user of a role, created through better-auth and
 * signed in through its API (a direct call: no rate limit), returned with the Cookie header a
 * browser would send.
 */
import crypto from "node:crypto";
import type { Database } from "../../server/db/client";
import { authFor } from "../../server/auth/auth";
import { createCaller } from "../../server/api/root";
import type { Role } from "../../server/auth/roles";

export interface TestPerson {
  id: string;
  email: string;
  password: string;
  role: Role;
  /** `name=value` of the session cookie, for a Cookie header. */
  cookie: string;
}

/** The Cookie header value a browser would send back for a response's Set-Cookie headers. */
export function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

export async function signIn(db: Database, email: string, password: string): Promise<string> {
  const response = await authFor(db).api.signInEmail({ body: { email, password }, asResponse: true });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return cookieFrom(response);
}

export async function createPerson(db: Database, role: Role): Promise<TestPerson> {
  const email = `${role}-${crypto.randomUUID()}@test.local`;
  const password = crypto.randomBytes(12).toString("base64url");
  const { user } = await authFor(db).api.createUser({ body: { email, password, name: `A ${role}`, role } });
  return { id: user.id, email, password, role, cookie: await signIn(db, email, password) };
}

/** A tRPC caller acting as `person`, as the route handler builds it from their session. */
export function callerFor(db: Database, person: TestPerson) {
  return createCaller({ db, user: { id: person.id, email: person.email, name: "", role: person.role } });
}
