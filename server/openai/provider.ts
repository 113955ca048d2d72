/**
 * An OpenAI-compatible provider's client, made on the server from the provider's sealed row
 * (server/auth/secrets.ts): the API key is opened into the client's memory only, and never goes
 * into a payload, a job file, a log, an event or a response. Any server that speaks the protocol
 * works: the base URL is always the provider's own (OpenAI itself takes no new fine-tuning jobs
 * after 2027-01-06).
 */
import OpenAI from "openai";
import type pg from "pg";
import { open, PROVIDER_NAME, secretKey } from "../auth/secrets";

/** The studio_secret row name of a provider (secrets.ts stores providers under this prefix). */
const providerRow = (name: string) => `provider:${name}`;

/**
 * Retries of one request on a transient failure (connection errors, timeouts, 408, 409, 429, 5xx),
 * with the SDK's exponential backoff (0.5 s doubling to 8 s, jittered, or the server's Retry-After).
 */
const MAX_RETRIES = 4;
const REQUEST_TIMEOUT_MS = 120_000;

export class ProviderError extends Error {
  override name = "ProviderError";
}

export interface ProviderClient {
  name: string;
  baseUrl: string;
  client: OpenAI;
}

export async function providerExists(pool: Pick<pg.Pool, "query">, name: string): Promise<boolean> {
  if (!PROVIDER_NAME.test(name)) return false;
  const { rowCount } = await pool.query("SELECT 1 FROM studio_secret WHERE name = $1 AND kind = 'provider'", [providerRow(name)]);
  return rowCount === 1;
}

/** The providers' names, for a form (their base URLs and keys stay on the server). */
export async function listProviderNames(pool: Pick<pg.Pool, "query">): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>("SELECT name FROM studio_secret WHERE kind = 'provider' ORDER BY name");
  return rows.map((row) => row.name.slice(providerRow("").length));
}

/** The provider's client; ProviderError when there is no such provider or it has no base URL. */
export async function openProvider(pool: Pick<pg.Pool, "query">, name: string, key = secretKey()): Promise<ProviderClient> {
  const { rows } = await pool.query<{ base_url: string | null; sealed: Buffer }>("SELECT base_url, sealed FROM studio_secret WHERE name = $1 AND kind = 'provider'", [providerRow(name)]);
  const row = rows[0];
  if (!row) throw new ProviderError(`no provider "${name}" in the settings (Secrets page, admin)`);
  if (!row.base_url) throw new ProviderError(`provider "${name}" has no base URL`);
  const client = new OpenAI({ apiKey: open(key, providerRow(name), row.sealed), baseURL: row.base_url, maxRetries: MAX_RETRIES, timeout: REQUEST_TIMEOUT_MS });
  return { name, baseUrl: row.base_url, client };
}

/**
 * A provider's error in words: its HTTP status and its own message (an invalid file, an unknown
 * model, a refused key), or the network failure. Never the request's headers.
 */
export function describeProviderError(error: unknown): string {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return "the provider did not answer in time";
  if (error instanceof OpenAI.APIConnectionError) return `the provider could not be reached (${(error.cause as Error | undefined)?.message ?? error.message})`;
  if (error instanceof OpenAI.APIError) {
    const body = error.error as { message?: unknown; code?: unknown; param?: unknown } | undefined;
    const message = typeof body?.message === "string" ? body.message : error.message;
    const code = typeof body?.code === "string" ? ` [${body.code}]` : "";
    const meaning = error.status === 401 ? "the provider refused the API key" : error.status === 403 ? "the provider forbids this" : error.status === 404 ? "the provider has no such thing" : error.status === 429 ? "the provider is rate-limiting or out of quota" : `the provider answered ${error.status ?? "with an error"}`;
    return `${meaning}: ${message}${code}`;
  }
  return (error as Error).message ?? String(error);
}
