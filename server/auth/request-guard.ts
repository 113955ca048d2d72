/**
 * The role check for the HTTP routes outside tRPC (uploads, export, downloads): the same rule as
 * the procedures (401 without a session, 403 below the role), answered as JSON.
 */
import { studioAuth } from "./auth";
import { allows, type Role } from "./roles";
import { requestUser } from "./session";

/** A refusal to return as is, or null when the request's user has `needed`. */
export async function refuseUnless(request: Request, needed: Role): Promise<Response | null> {
  const user = await requestUser(studioAuth(), request.headers);
  if (!user) return Response.json({ error: "Sign in first." }, { status: 401 });
  if (!allows(user.role, needed)) return Response.json({ error: `This needs the ${needed} role; you are a ${user.role}.` }, { status: 403 });
  return null;
}
