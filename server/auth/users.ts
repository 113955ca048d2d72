/** The people table as the admin's page reads and changes it (plain pg; creation is better-auth's). */
import type pg from "pg";
import type { Role } from "./roles";
import { forgetSessionsOf } from "./session-cache";

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export async function listUsers(pool: pg.Pool): Promise<UserRow[]> {
  const { rows } = await pool.query<UserRow>(
    `SELECT id, email, name, role, to_json(created_at) #>> '{}' AS "createdAt" FROM auth_user ORDER BY created_at, email`,
  );
  return rows;
}

export async function setUserRole(pool: pg.Pool, id: string, role: Role): Promise<boolean> {
  const { rowCount } = await pool.query("UPDATE auth_user SET role = $2, updated_at = now() WHERE id = $1", [id, role]);
  forgetSessionsOf(id); // their next request has the new role
  return rowCount === 1;
}

/** Deletes the person with their sessions and password (ON DELETE CASCADE). */
export async function deleteUser(pool: pg.Pool, id: string): Promise<boolean> {
  const { rowCount } = await pool.query("DELETE FROM auth_user WHERE id = $1", [id]);
  forgetSessionsOf(id);
  return rowCount === 1;
}
