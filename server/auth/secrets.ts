/**
 * Secrets the runners need: the Hugging Face token and any number of OpenAI-compatible providers
 * (name, base URL, API key). Encrypted at rest with AES-256-GCM under a key that is never in the
 * database: STUDIO_SECRET_KEY, else a random key generated into STUDIO_HOME/secret.key (mode
 * 0600). The row's name is bound to its ciphertext (additional data), so a sealed value copied to
 * another row does not open. Listing returns names, base URLs and the last 4 characters only; the
 * values leave this module only as a child process's environment (runnerEnvironment).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type pg from "pg";
import { env } from "../env";
import { readSecret, writeSecret } from "../db/embedded";

export const HF_TOKEN_NAME = "hf_token";
const PROVIDER_PREFIX = "provider:";

/** A provider's name as it appears in environment variable names. */
export const PROVIDER_NAME = /^[a-z][a-z0-9_]{0,39}$/;

export interface SecretSummary {
  name: string;
  kind: "hf_token" | "provider";
  baseUrl: string | null;
  last4: string;
  updatedAt: string;
}

/** The 32-byte key: STUDIO_SECRET_KEY hashed to 32 bytes, or the key file's (created on first use). */
export function secretKey(): Buffer {
  if (env.STUDIO_SECRET_KEY) return crypto.createHash("sha256").update(env.STUDIO_SECRET_KEY).digest();
  const file = path.join(env.STUDIO_HOME, "secret.key");
  let stored = readSecret(file);
  if (!stored) {
    fs.mkdirSync(env.STUDIO_HOME, { recursive: true });
    stored = crypto.randomBytes(32).toString("base64url");
    writeSecret(file, stored);
  }
  return Buffer.from(stored, "base64url");
}

export function seal(key: Buffer, name: string, value: string): Buffer {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(name));
  const ciphertext = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]);
}

/** Throws when the key is not the one that sealed it, or the value or its name was changed. */
export function open(key: Buffer, name: string, sealed: Buffer): string {
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(name));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString("utf8");
}

async function store(pool: pg.Pool, key: Buffer, row: { name: string; kind: SecretSummary["kind"]; baseUrl: string | null; value: string }): Promise<void> {
  await pool.query(
    `INSERT INTO studio_secret (name, kind, base_url, sealed, last4, updated_at) VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, base_url = EXCLUDED.base_url, sealed = EXCLUDED.sealed, last4 = EXCLUDED.last4, updated_at = now()`,
    [row.name, row.kind, row.baseUrl, seal(key, row.name, row.value), row.value.slice(-4)],
  );
}

export function setHuggingFaceToken(pool: pg.Pool, token: string, key = secretKey()): Promise<void> {
  return store(pool, key, { name: HF_TOKEN_NAME, kind: "hf_token", baseUrl: null, value: token });
}

export function setProvider(pool: pg.Pool, provider: { name: string; baseUrl: string; apiKey: string }, key = secretKey()): Promise<void> {
  if (!PROVIDER_NAME.test(provider.name)) throw new Error("a provider name is lowercase letters, digits and _, starting with a letter");
  return store(pool, key, { name: PROVIDER_PREFIX + provider.name, kind: "provider", baseUrl: provider.baseUrl, value: provider.apiKey });
}

export async function removeSecret(pool: pg.Pool, name: string): Promise<boolean> {
  const { rowCount } = await pool.query("DELETE FROM studio_secret WHERE name = $1", [name]);
  return rowCount === 1;
}

/** What the UI may see: never a value, only its last 4 characters. */
export async function listSecrets(pool: pg.Pool): Promise<SecretSummary[]> {
  const { rows } = await pool.query<SecretSummary>(
    `SELECT name, kind, base_url AS "baseUrl", last4, to_json(updated_at) #>> '{}' AS "updatedAt" FROM studio_secret ORDER BY name`,
  );
  return rows;
}

/**
 * The secrets as a runner's environment: HF_TOKEN, and per provider NAME
 * STUDIO_PROVIDER_<NAME>_BASE_URL and STUDIO_PROVIDER_<NAME>_API_KEY. For spawning a child only.
 */
export async function runnerEnvironment(pool: pg.Pool, key = secretKey(), onUnreadable?: (name: string) => void): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ name: string; kind: string; base_url: string | null; sealed: Buffer }>("SELECT name, kind, base_url, sealed FROM studio_secret");
  const environment: Record<string, string> = {};
  for (const row of rows) {
    let value: string;
    try {
      value = open(key, row.name, row.sealed);
    } catch (error) {
      // Sealed under another key (STUDIO_SECRET_KEY or secret.key changed): a run that needs no
      // secret still runs, and the caller says which one is missing.
      if (!onUnreadable) throw error;
      onUnreadable(row.name);
      continue;
    }
    if (row.kind === "hf_token") environment.HF_TOKEN = value;
    else {
      const variable = `STUDIO_PROVIDER_${row.name.slice(PROVIDER_PREFIX.length).toUpperCase()}`;
      environment[`${variable}_API_KEY`] = value;
      if (row.base_url) environment[`${variable}_BASE_URL`] = row.base_url;
    }
  }
  return environment;
}
