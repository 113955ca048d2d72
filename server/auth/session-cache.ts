/**
 * Who a session cookie or API token belongs to, remembered for a few seconds in this process, so
 * that the requests of one page load do not each look the session up in PostgreSQL (15–20 ms a
 * lookup with 32 clients, on the pool the pages use).
 *
 * Correctness rules:
 * - Keyed by a SHA-256 of the request's credentials, never by the secret itself.
 * - Only people are remembered, never a refusal, so a flood of bad tokens fills nothing.
 * - An entry lives SESSION_CACHE_SECONDS at most, counted from the start of its lookup, and never
 *   past its session's (or token's) expiry. One in use past half that is looked up again in the
 *   background, so an active person's requests never wait for PostgreSQL.
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
  /** Date.now() past which the entry is not used: its lookup's start + the TTL, or the session's expiry. */
  until: number;
  /** Date.now() past which a request that uses the entry looks the session up again in the background. */
  refreshAt: number;
}

type Found = { user: StudioUser; expiresAt: Date } | null;

const entries = new Map<string, Entry>();
/** Lookups under way, shared by the requests that arrive meanwhile with the same credentials. */
const pending = new Map<string, Promise<Found>>();
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
export async function cachedSessionUser(key: string, lookup: () => Promise<Found>): Promise<StudioUser | null> {
  const now = Date.now();
  const entry = entries.get(key);
  if (entry && entry.until > now) {
    // Past half its life, an entry in use is looked up again in the background: a person who
    // keeps using the studio does not wait for a lookup, and 32 clients' entries, expiring
    // together, no longer send 32 lookups at once ahead of their pages.
    if (entry.refreshAt <= now && !pending.has(key)) resolve(key, lookup).catch(() => undefined);
    return entry.user;
  }
  if (entry) entries.delete(key);
  const found = await (pending.get(key) ?? resolve(key, lookup));
  return found && found.expiresAt.getTime() > Date.now() ? found.user : null;
}

/** Looks the session up once for all requests with `key`, and remembers the answer. */
function resolve(key: string, lookup: () => Promise<Found>): Promise<Found> {
  const startedIn = generation;
  const startedAt = Date.now();
  const resolving: Promise<Found> = lookup()
    .then((found) => {
      if (startedIn !== generation) return found;
      if (found) remember(key, found.user, startedAt, found.expiresAt.getTime());
      else entries.delete(key); // ended meanwhile (a background lookup): by another process, say
      return found;
    })
    .finally(() => {
      if (pending.get(key) === resolving) pending.delete(key);
    });
  pending.set(key, resolving);
  return resolving;
}

function remember(key: string, user: StudioUser, startedAt: number, expiresAt: number) {
  const until = Math.min(startedAt + SESSION_CACHE_SECONDS * 1000, expiresAt);
  if (until <= Date.now()) return;
  entries.delete(key); // re-inserted last: the Map's order is the eviction order
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(key, { user: Object.freeze({ ...user }), until, refreshAt: startedAt + (SESSION_CACHE_SECONDS * 1000) / 2 });
}

/** Forgets every remembered session of the person: their next request is looked up again. */
export function forgetSessionsOf(userId: string): void {
  generation++;
  // Requests arriving from now on must not share a lookup that started before the change.
  pending.clear();
  for (const [key, entry] of entries) if (entry.user.id === userId) entries.delete(key);
}
