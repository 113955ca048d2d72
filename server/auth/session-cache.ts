/**
 * Who a session cookie or API token belongs to, remembered for a few seconds in this process, so
 * that the requests of one page load do not each look the session up in PostgreSQL (15–20 ms a
 * lookup with 32 clients, on the pool the pages use).
 *
 * Correctness rules:
 * - Keyed by a SHA-256 of the request's credentials, never by the secret itself.
 * - Only people are remembered, never a refusal, so a flood of bad tokens fills nothing.
 * - An entry lives SESSION_CACHE_SECONDS at most and never past its session's (or token's) expiry.
 * - Whatever changes who a person is or whether they are signed in (sign-out, revoked sessions,
 *   role, ban, removal, a revoked token) forgets the person's entries at once: better-auth's
 *   database hooks (auth.ts) and the studio's own SQL (users.ts, api-tokens.ts) call
 *   forgetSessionsOf. Changes made by another process reach this one within the TTL.
 * - A lookup that was under way when something was forgotten is not remembered: it may have read
 *   the state from before the change.
 */
import crypto from "node:crypto";
import type { StudioUser } from "./roles";

export const SESSION_CACHE_SECONDS = 5;
/** Far above the people signed in to one studio; past it the oldest entry goes. */
const MAX_ENTRIES = 10_000;

interface Entry {
  user: StudioUser;
  /** Date.now() past which the entry is not used. */
  until: number;
}

const entries = new Map<string, Entry>();
/** Lookups under way, shared by the requests that arrive meanwhile with the same credentials. */
const pending = new Map<string, Promise<{ user: StudioUser; expiresAt: Date } | null>>();
/** Counts forgets: a lookup started under an older generation is not stored. */
let generation = 0;

/** The key of a request's credentials (Authorization and Cookie headers), or null when it has none. */
export function credentialsKey(headers: Headers): string | null {
  const authorization = headers.get("authorization") ?? "";
  const cookie = headers.get("cookie") ?? "";
  if (!authorization && !cookie) return null;
  return crypto.createHash("sha256").update(authorization).update("\n").update(cookie).digest("base64url");
}

/**
 * The person for `key`: remembered, or resolved by `lookup` (which returns the session's expiry
 * with the person) and then remembered until the TTL or that expiry, whichever comes first.
 */
export async function cachedSessionUser(key: string, lookup: () => Promise<{ user: StudioUser; expiresAt: Date } | null>): Promise<StudioUser | null> {
  const now = Date.now();
  const entry = entries.get(key);
  if (entry && entry.until > now) return entry.user;
  if (entry) entries.delete(key);

  let resolving = pending.get(key);
  if (!resolving) {
    const startedIn = generation;
    resolving = lookup().finally(() => {
      if (pending.get(key) === resolving) pending.delete(key);
    });
    pending.set(key, resolving);
    const found = await resolving;
    if (found && startedIn === generation) remember(key, found.user, found.expiresAt.getTime());
    return found && found.expiresAt.getTime() > Date.now() ? found.user : null;
  }
  const found = await resolving;
  return found && found.expiresAt.getTime() > Date.now() ? found.user : null;
}

function remember(key: string, user: StudioUser, expiresAt: number) {
  const until = Math.min(Date.now() + SESSION_CACHE_SECONDS * 1000, expiresAt);
  if (until <= Date.now()) return;
  entries.delete(key); // re-inserted last: the Map's order is the eviction order
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(key, { user: Object.freeze({ ...user }), until });
}

/** Forgets every remembered session of the person: their next request is looked up again. */
export function forgetSessionsOf(userId: string): void {
  generation++;
  // Requests arriving from now on must not share a lookup that started before the change.
  pending.clear();
  for (const [key, entry] of entries) if (entry.user.id === userId) entries.delete(key);
}
