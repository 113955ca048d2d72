/**
 * Sign-in with better-auth: email and password (scrypt, better-auth's default hash), sessions in
 * PostgreSQL (auth_session, see prisma/schema.prisma), httpOnly SameSite=Lax cookies, sign-in
 * rate-limited per client address, roles through the admin plugin. No sign-up: an admin creates
 * people (server/api/routers/users.ts), and the first start creates the first admin
 * (first-admin.ts). better-auth reads and writes through the studio's short-query pg pool
 * (its built-in Kysely dialect): a session lookup runs on every request, and plain pg costs a
 * quarter of what a Prisma query does (README, data model).
 */
import type pg from "pg";
import { betterAuth } from "better-auth";
import { admin } from "better-auth/plugins";
import { apiKey } from "@better-auth/api-key";
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements } from "better-auth/plugins/admin/access";
import { serverDatabase, type Database } from "../db/client";
import { authSecret } from "./auth-secret";
import { forgetSessionsOf } from "./session-cache";

const accessControl = createAccessControl(defaultStatements);
/** better-auth's own user and session management is the admin's alone. */
const accessRoles = {
  admin: adminAc,
  member: accessControl.newRole({ user: [], session: [] }),
  viewer: accessControl.newRole({ user: [], session: [] }),
};

/** Sign-in attempts per client address and minute; better-auth answers 429 past it. */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;
const SESSION_DAYS = 7;

const timestamps = { createdAt: "created_at", updatedAt: "updated_at" } as const;

/** The token of an `Authorization: Bearer` header, or null. */
export function bearerToken(headers: Headers | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(headers?.get("authorization") ?? "");
  return match ? match[1]! : null;
}

export function createStudioAuth(pool: pg.Pool, secret: string) {
  return betterAuth({
    appName: "Feedback Studio",
    secret,
    // The base URL is the request's own origin (the Host header proxy.ts allowed): better-auth
    // then trusts POSTs from that origin only. Whichever name the studio is opened by first
    // (localhost, 127.0.0.1, a STUDIO_ALLOWED_HOSTS name) would otherwise become the only one
    // trusted, so each request's own origin is: proxy.ts has already refused foreign Hosts and
    // cross-site Origins.
    trustedOrigins: (request?: Request) => {
      const host = request?.headers.get("host");
      return host ? [`http://${host}`, `https://${host}`] : [];
    },
    database: pool,
    telemetry: { enabled: false },
    // Tokens are managed through tRPC (server/api/routers/api-tokens.ts: roles, one way to do it).
    disabledPaths: ["/api-key/create", "/api-key/update", "/api-key/delete", "/api-key/get", "/api-key/list", "/api-key/verify", "/api-key/delete-all-expired-api-keys"],
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 12 },
    session: {
      modelName: "auth_session",
      fields: { expiresAt: "expires_at", ipAddress: "ip_address", userAgent: "user_agent", userId: "user_id", ...timestamps },
      expiresIn: SESSION_DAYS * 24 * 3600,
    },
    user: { modelName: "auth_user", fields: { emailVerified: "email_verified", ...timestamps } },
    account: {
      modelName: "auth_account",
      fields: {
        accountId: "account_id",
        providerId: "provider_id",
        userId: "user_id",
        accessToken: "access_token",
        refreshToken: "refresh_token",
        idToken: "id_token",
        accessTokenExpiresAt: "access_token_expires_at",
        refreshTokenExpiresAt: "refresh_token_expires_at",
        ...timestamps,
      },
    },
    verification: { modelName: "auth_verification", fields: { expiresAt: "expires_at", ...timestamps } },
    // Sign-out, revoked sessions, a changed role, a ban, a removal: this process forgets the
    // person's remembered sessions at once (session-cache.ts), whichever endpoint made the change.
    databaseHooks: {
      session: { delete: { after: async (session) => forgetSessionsOf(session.userId) } },
      user: { update: { after: async (user) => forgetSessionsOf(user.id) }, delete: { after: async (user) => forgetSessionsOf(user.id) } },
    },
    // In memory: the web server is one process. better-auth enables it in production only by default.
    rateLimit: { enabled: true, storage: "memory", customRules: { "/sign-in/email": { window: 60, max: SIGN_IN_ATTEMPTS_PER_MINUTE } } },
    advanced: {
      // One bucket for all clients: `next start` keeps an X-Forwarded-For the client sent, so a
      // per-address limit could be dodged by sending a new address with each guess. A shared
      // limit lets a guesser slow everyone's sign-in, never guess faster.
      ipAddress: { ipAddressHeaders: [] },
      cookiePrefix: "studio",
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
    },
    plugins: [
      // Personal API tokens: `Authorization: Bearer <token>` acts as its owner; stored as a SHA-256
      // hash, shown once. No per-token request limit (the plugin's default is 10 a day).
      apiKey({
        enableSessionForAPIKeys: true,
        customAPIKeyGetter: (ctx) => bearerToken(ctx.headers),
        defaultPrefix: "studio_",
        rateLimit: { enabled: false },
        deferUpdates: true,
        schema: {
          apikey: {
            modelName: "auth_api_token",
            fields: {
              configId: "config_id",
              referenceId: "user_id",
              refillInterval: "refill_interval",
              refillAmount: "refill_amount",
              lastRefillAt: "last_refill_at",
              rateLimitEnabled: "rate_limit_enabled",
              rateLimitTimeWindow: "rate_limit_time_window",
              rateLimitMax: "rate_limit_max",
              requestCount: "request_count",
              lastRequest: "last_request",
              expiresAt: "expires_at",
              ...timestamps,
            },
          },
        },
      }),
      admin({
        ac: accessControl,
        roles: accessRoles,
        defaultRole: "viewer",
        adminRoles: ["admin"],
        schema: {
          user: { fields: { banReason: "ban_reason", banExpires: "ban_expires" } },
          session: { fields: { impersonatedBy: "impersonated_by" } },
        },
      }),
    ],
  });
}

export type StudioAuth = ReturnType<typeof createStudioAuth>;

const globalForAuth = globalThis as unknown as { studioAuth?: WeakMap<pg.Pool, StudioAuth> };

/** The instance on a database handle's pool (one per pool: a test's database is not the server's). */
export function authFor(db: Database): StudioAuth {
  globalForAuth.studioAuth ??= new WeakMap();
  let auth = globalForAuth.studioAuth.get(db.pool);
  if (!auth) globalForAuth.studioAuth.set(db.pool, (auth = createStudioAuth(db.pool, authSecret())));
  return auth;
}

/** The web server's instance, on its database handle. */
export function studioAuth(): StudioAuth {
  return authFor(serverDatabase());
}
