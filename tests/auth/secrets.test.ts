/**
 * Secrets at rest: sealed with AES-256-GCM under a key outside the database, listed by their last
 * 4 characters only, opened only into a runner's environment; a wrong key, a changed value or a
 * value moved to another row does not open. Only an admin reaches them (procedure-access.test.ts).
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { takeTurnsWithTheSecretsTable } from "./secrets-table-lock";
import { connect, type Database } from "../../server/db/client";
import { createCaller } from "../../server/api/root";
import { IN_PROCESS_ADMIN } from "../../server/auth/roles";
import { listSecrets, open, runnerEnvironment, setHuggingFaceToken, setProvider } from "../../server/auth/secrets";

let db: Database;
const key = crypto.randomBytes(32);
const HF = `hf_${crypto.randomBytes(16).toString("hex")}`;
const OPENAI = `sk-${crypto.randomBytes(16).toString("hex")}`;

takeTurnsWithTheSecretsTable();

beforeAll(() => {
  db = connect(inject("databaseUrl"));
});
beforeEach(() => db.pool.query("DELETE FROM studio_secret"));
afterAll(() => db.close());

describe("secrets", () => {
  it("are stored sealed, listed by their last 4 characters, and opened only into a runner's environment", async () => {
    await setHuggingFaceToken(db.pool, HF, key);
    await setProvider(db.pool, { name: "local_vllm", baseUrl: "http://127.0.0.1:8000/v1", apiKey: OPENAI }, key);
    const dump = JSON.stringify((await db.pool.query("SELECT name, kind, base_url, encode(sealed, 'escape') AS sealed, last4 FROM studio_secret")).rows);
    expect(dump).not.toContain(HF);
    expect(dump).not.toContain(OPENAI);
    const listed = await listSecrets(db.pool);
    expect(listed).toEqual([
      expect.objectContaining({ name: "hf_token", kind: "hf_token", baseUrl: null, last4: HF.slice(-4) }),
      expect.objectContaining({ name: "provider:local_vllm", kind: "provider", baseUrl: "http://127.0.0.1:8000/v1", last4: OPENAI.slice(-4) }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(HF.slice(0, -4));
    expect(await runnerEnvironment(db.pool, key)).toEqual({
      HF_TOKEN: HF,
      STUDIO_PROVIDER_LOCAL_VLLM_API_KEY: OPENAI,
      STUDIO_PROVIDER_LOCAL_VLLM_BASE_URL: "http://127.0.0.1:8000/v1",
    });
  });

  it("do not open with another key, changed, or moved to another row", async () => {
    await setHuggingFaceToken(db.pool, HF, key);
    await expect(runnerEnvironment(db.pool, crypto.randomBytes(32))).rejects.toThrow();
    // A training run asks to be told instead, and goes on without it.
    const unreadable: string[] = [];
    expect(await runnerEnvironment(db.pool, crypto.randomBytes(32), (name) => unreadable.push(name))).toEqual({});
    expect(unreadable).toEqual(["hf_token"]);
    const { rows } = await db.pool.query<{ sealed: Buffer }>("SELECT sealed FROM studio_secret");
    const changed = Buffer.from(rows[0]!.sealed);
    changed[changed.length - 1]! ^= 1;
    expect(() => open(key, "hf_token", changed)).toThrow();
    expect(() => open(key, "provider:other", rows[0]!.sealed)).toThrow();
    expect(open(key, "hf_token", rows[0]!.sealed)).toBe(HF);
  });

  it("go in through the admin's procedures and never come back out of them", async () => {
    const caller = createCaller({ db, user: IN_PROCESS_ADMIN });
    await caller.secrets.setHuggingFaceToken({ token: HF });
    await caller.secrets.setProvider({ name: "openai", baseUrl: "https://api.openai.com/v1", apiKey: OPENAI });
    await expect(caller.secrets.setProvider({ name: "Bad Name", baseUrl: "https://x.example", apiKey: OPENAI })).rejects.toThrow();
    const listed = await caller.secrets.list();
    expect(listed.map((s) => [s.name, s.last4])).toEqual([["hf_token", HF.slice(-4)], ["provider:openai", OPENAI.slice(-4)]]);
    expect(JSON.stringify(listed)).not.toMatch(new RegExp(`${HF.slice(0, 8)}|${OPENAI.slice(0, 8)}`));
    await caller.secrets.remove({ name: "provider:openai" });
    expect((await caller.secrets.list()).map((s) => s.name)).toEqual(["hf_token"]);
  });
});
