/**
 * The Hugging Face token for a push, opened from the secret store into memory only: the push job hands
 * it to its child's environment and nowhere else. Only the token's row is opened (a provider sealed
 * under another key does not stop a push).
 */
import type pg from "pg";
import { HF_TOKEN_NAME, open, secretKey } from "../auth/secrets";

export async function readHuggingFaceToken(pool: pg.Pool, key = secretKey()): Promise<string | null> {
  const { rows } = await pool.query<{ sealed: Buffer }>("SELECT sealed FROM studio_secret WHERE name = $1", [HF_TOKEN_NAME]);
  return rows[0] ? open(key, HF_TOKEN_NAME, rows[0].sealed) : null;
}
