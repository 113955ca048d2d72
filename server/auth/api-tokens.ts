/** A person's API tokens as their page lists and revokes them (plain pg; creation is better-auth's). */
import type pg from "pg";
import { forgetSessionsOf } from "./session-cache";

export interface ApiTokenRow {
  id: string;
  name: string | null;
  /** The token's first characters, to tell tokens apart: the token itself is never stored. */
  start: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export async function listApiTokens(pool: pg.Pool, userId: string): Promise<ApiTokenRow[]> {
  const { rows } = await pool.query<ApiTokenRow>(
    `SELECT id, name, start, to_json(created_at) #>> '{}' AS "createdAt", to_json(last_request) #>> '{}' AS "lastUsedAt"
       FROM auth_api_token WHERE user_id = $1 ORDER BY created_at DESC`,
    [userId],
  );
  return rows;
}

/** Revokes one of the person's own tokens: it stops working at once. */
export async function revokeApiToken(pool: pg.Pool, userId: string, id: string): Promise<boolean> {
  const { rowCount } = await pool.query("DELETE FROM auth_api_token WHERE id = $1 AND user_id = $2", [id, userId]);
  // The token's remembered person is forgotten with the person's other sessions (no key of it is kept).
  forgetSessionsOf(userId);
  return rowCount === 1;
}
