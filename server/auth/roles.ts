/**
 * The studio's three roles, in order of what they may do: a viewer reads, a member also imports,
 * builds tasks, trains and pushes, an admin also manages people, settings and secrets. Pure: the
 * browser imports it too.
 */
export const ROLES = ["viewer", "member", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` may do what `needed` may: each role includes the ones before it. */
export function allows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Who a request acts for, as procedures and routes see it. */
export interface StudioUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/**
 * The user of in-process callers that hold the database already (tests, benchmarks): never
 * built from a request, so no HTTP caller can act as it.
 */
export const IN_PROCESS_ADMIN: StudioUser = { id: "in-process", email: "in-process@studio.local", name: "In-process caller", role: "admin" };
