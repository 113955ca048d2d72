/**
 * The key that signs session cookies: STUDIO_AUTH_SECRET, else a random key generated once into
 * STUDIO_HOME/auth.secret (mode 0600), which `npm start` creates before the web server starts.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "../env";
import { readSecret, writeSecret } from "../db/embedded";

export function authSecret(): string {
  if (env.STUDIO_AUTH_SECRET) return env.STUDIO_AUTH_SECRET;
  const file = path.join(env.STUDIO_HOME, "auth.secret");
  const existing = readSecret(file);
  if (existing) return existing;
  fs.mkdirSync(env.STUDIO_HOME, { recursive: true });
  const secret = crypto.randomBytes(32).toString("base64url");
  writeSecret(file, secret);
  return secret;
}
