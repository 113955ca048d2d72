/**
 * tRPC setup. Every procedure is built from one base procedure, through the privilege it needs:
 * `publicProcedure` (health only; sign-in is better-auth's, at /api/auth), `viewerProcedure`
 * (reads), `memberProcedure` (imports, tasks, training, pushes) and `adminProcedure` (people,
 * settings, secrets). There is no privilege-less export, so a procedure cannot be added without
 * choosing one; tests/auth/procedure-access.test.ts walks the router to check each refuses.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { serverDatabase, type Database } from "../db/client";
import { DatasetNotFoundError } from "../db/datasets";
import { ImportError } from "../feedback/errors";
import { studioAuth } from "../auth/auth";
import { requestUser } from "../auth/session";
import { allows, IN_PROCESS_ADMIN, type Role, type StudioUser } from "../auth/roles";
import { TooManyRequestsError, withUserSlot, type ConcurrentKind } from "../services/limits";

export interface Context {
  db: Database;
  /** Who the call acts for: null without a valid session. In-process callers (tests, benchmarks) set it. */
  user: StudioUser | null;
}

/** The context of an HTTP request: its session cookie, resolved. */
export async function createContext({ req }: { req: Request }): Promise<Context> {
  return { db: serverDatabase(), user: await requestUser(studioAuth(), req.headers) };
}

// No transformer: responses are plain JSON (dates travel as ISO strings). superjson spent
// 2.2–2.9 ms walking a 50-record page, 20 times what JSON.stringify takes.
const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    return { ...shape, data: { ...shape.data, zodError: error.cause instanceof ZodError ? error.cause.flatten() : null } };
  },
});

/** Domain errors become proper tRPC codes with their own messages. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DatasetNotFoundError) throw new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
    if (cause instanceof ImportError) throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
    if (cause instanceof TooManyRequestsError) throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: cause.message, cause });
  }
  return result;
});

/** 401 without a session, 403 with a role below `needed`; the procedure then sees a user. */
function requireRole(needed: Role) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
    if (!allows(ctx.user.role, needed)) throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${needed} role; you are a ${ctx.user.role}.` });
    return next({ ctx: { ...ctx, user: ctx.user } });
  });
}

const baseProcedure = t.procedure.use(domainErrors);

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = baseProcedure;
export const viewerProcedure = baseProcedure.use(requireRole("viewer"));
export const memberProcedure = baseProcedure.use(requireRole("member"));
export const adminProcedure = baseProcedure.use(requireRole("admin"));

/** The person a per-user limit counts: null for in-process callers, which are no account. */
export function limitedUserId(user: StudioUser | null): string | null {
  return user && user.id !== IN_PROCESS_ADMIN.id ? user.id : null;
}

/** Holds one of the caller's slots of `kind` for the call (server/services/limits.ts); past the limit: TOO_MANY_REQUESTS. */
export function perUserLimit(kind: ConcurrentKind) {
  return t.middleware(({ ctx, next }) => withUserSlot(kind, limitedUserId(ctx.user), () => next()));
}
