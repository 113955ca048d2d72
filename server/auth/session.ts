/** Who a request acts for: its session cookie, resolved by better-auth against auth_session. */
import type { StudioAuth } from "./auth";
import { isRole, type StudioUser } from "./roles";

export async function requestUser(auth: StudioAuth, headers: Headers): Promise<StudioUser | null> {
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const { id, email, name, role } = session.user;
  // A role outside the three (a row edited by hand) grants nothing.
  return isRole(role) ? { id, email, name, role } : null;
}
