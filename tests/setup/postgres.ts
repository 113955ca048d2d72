/**
 * Vitest global setup: one real embedded PostgreSQL for the integration tests, in a fresh temp
 * folder, with the migrations applied. Tests read its URL with `inject("databaseUrl")`. With
 * DATABASE_URL set (a CI's own server), that server is used instead.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../server/db/embedded";
import { applyMigrations } from "../../server/db/migrate";
import { ensurePrismaClient } from "../../server/db/prisma-client";

let embedded: EmbeddedDatabase | null = null;
let home: string | null = null;

export async function setup(project: TestProject) {
  ensurePrismaClient();
  // Sign session cookies and seal secrets in the test workers (inherited), instead of key files in STUDIO_HOME.
  process.env.STUDIO_AUTH_SECRET ??= crypto.randomBytes(32).toString("base64url");
  process.env.STUDIO_SECRET_KEY ??= crypto.randomBytes(32).toString("base64url");
  let url = process.env.DATABASE_URL;
  if (!url) {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "studio-test-"));
    embedded = await startEmbeddedPostgres(home, 55400);
    url = embedded.url;
  }
  await applyMigrations(url);
  project.provide("databaseUrl", url);
}

export async function teardown() {
  await embedded?.stop();
  if (home) fs.rmSync(home, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
