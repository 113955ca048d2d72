/**
 * Who a request acts for: its session cookie or API token, resolved by better-auth against
 * auth_session / auth_api_token, and remembered for a few seconds (session-cache.ts).
 */
import type { StudioAuth } from "./auth";
import { isRole, type StudioUser } from "./roles";
import { cachedSessionUser, credentialsKey } from "./session-cache";

/** The person of a session cookie, or of an `Authorization: Bearer` API token; null for neither, or a bad one. */
export async function requestUser(auth: StudioAuth, headers: Headers): Promise<StudioUser | null> {
  const key = credentialsKey(headers);
  if (!key) return null;
  return cachedSessionUser(key, () => lookUpSession(auth, headers));
}

/** better-auth's answer for the request, not remembered (bench/records-page.ts --no-session-cache compares). */
export async function lookUpSession(auth: StudioAuth, headers: Headers): Promise<{ user: StudioUser; expiresAt: Date } | null> {
  // An unknown, revoked or expired token throws (better-auth's api-key plugin): the same as none.
  const session = await auth.api.getSession({ headers }).catch(() => null);
  // A ban deletes the person's sessions, but better-auth's api-key plugin still takes their tokens.
  if (!session || session.user.banned) return null;
  const { id, email, name, role } = session.user;
  // A role outside the three (a row edited by hand) grants nothing.
  return isRole(role) ? { user: { id, email, name, role }, expiresAt: new Date(session.session.expiresAt) } : null;
}
