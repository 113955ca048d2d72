/**
 * The first start creates the first admin: with STUDIO_ADMIN_PASSWORD when set (tests set it),
 * otherwise with a random password returned once for `npm start` to print, and never stored but
 * as its hash. Once anyone exists, nothing is created.
 */
import crypto from "node:crypto";
import type pg from "pg";
import type { StudioAuth } from "./auth";

export async function createFirstAdmin(
  auth: StudioAuth,
  pool: pg.Pool,
  options: { email: string; password?: string },
): Promise<{ email: string; generatedPassword: string | null } | null> {
  const { rows } = await pool.query("SELECT EXISTS (SELECT 1 FROM auth_user) AS present");
  if (rows[0].present) return null;
  const generatedPassword = options.password ? null : crypto.randomBytes(18).toString("base64url");
  await auth.api.createUser({ body: { email: options.email, password: options.password ?? generatedPassword!, name: "Admin", role: "admin" } });
  return { email: options.email, generatedPassword };
}
