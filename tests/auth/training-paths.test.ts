/**
 * Every path a training request from the browser names, the model (a spaCy base pipeline too) and
 * any path in its config at any depth, passes the allowed-roots check a path import passes:
 * `/etc`, `..` and links out of the roots are refused through trainingRuns.start, with the same
 * answer for a missing path, and an allowed path reaches the job as its real path.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createCaller } from "../../server/api/root";
import { connect, type Database } from "../../server/db/client";
import { importFromPath } from "../../server/services/imports";

let db: Database;
let home: string;
let dataset: string;
const member = { id: "training-paths-member", email: "m@test.local", name: "", role: "member" as const };
const caller = () => createCaller({ db, user: member });
const SFT = { task: "supervised_fine_tuning", template: { text: "{instruction}" } };

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "training-paths-")));
  vi.stubEnv("STUDIO_HOME", home);
  vi.stubEnv("STUDIO_IMPORT_ROOTS", "");
  fs.mkdirSync(path.join(home, "models", "base"), { recursive: true });
  fs.writeFileSync(path.join(home, "template.jinja"), "{{ messages }}");
  fs.symlinkSync("/etc", path.join(home, "etc-link"));
  fs.symlinkSync("/etc/passwd", path.join(home, "passwd-link"));
  dataset = `training-paths-${process.pid}-${Date.now()}`;
  await importFromPath(db.bulk, path.resolve("samples", "instructions-curated"), { name: dataset });
}, 120_000);
afterAll(async () => {
  await db.pool.query("DELETE FROM dataset WHERE name = $1", [dataset]).catch(() => {});
  await db.close();
  fs.rmSync(home, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

async function refusal(request: Record<string, unknown>): Promise<string> {
  try {
    await caller().trainingRuns.start({ dataset, task: SFT, framework: "trl", model: "owner/tiny", ...request } as never);
  } catch (error) {
    expect((error as { code?: string }).code).toBe("BAD_REQUEST");
    return (error as Error).message;
  }
  throw new Error("the request was queued");
}

describe("paths in a training request from the browser", () => {
  it("refuses a model folder outside the roots: /etc, .., a link out, and says the same for a missing one", async () => {
    const outside = await refusal({ model: "/etc" });
    expect(outside).toMatch(/^model: .* does not exist or lies outside/);
    expect(await refusal({ model: "/no/such/folder" })).toBe(outside.replace("/etc", "/no/such/folder"));
    expect(await refusal({ model: `${home}/../../etc` })).toMatch(/^model: /);
    expect(await refusal({ model: "../../../../etc" })).toMatch(/^model: /);
    expect(await refusal({ model: path.join(home, "etc-link") })).toMatch(/^model: .*lies outside/);
  });

  it("refuses a spaCy base pipeline outside the roots", async () => {
    const message = await refusal({ task: { task: "text_classification", text: "instruction", label: "quality" }, framework: "spacy", model: "/etc" });
    expect(message).toMatch(/^(model|task|framework): /);
  });

  it("refuses any path a config names, at any depth, outside the roots or relative", async () => {
    expect(await refusal({ config: { max_steps: 1, chat_template_path: "/etc/passwd" } })).toMatch(/^config\.chat_template_path: .*lies outside/);
    expect(await refusal({ config: { max_steps: 1, chat_template_path: path.join(home, "passwd-link") } })).toMatch(/^config\.chat_template_path: .*lies outside/);
    expect(await refusal({ config: { max_steps: 1, chat_template_path: "../../etc/passwd" } })).toMatch(/^config\.chat_template_path: /);
    expect(await refusal({ config: { max_steps: 1, chat_template_path: "./template.jinja" } })).toMatch(/^config\.chat_template_path: a path in a config must be absolute/);
    expect(await refusal({ config: { max_steps: 1, model_init_kwargs: { cache_dir: "/tmp" } } })).toMatch(/^config\.model_init_kwargs\.cache_dir: /);
    expect(await refusal({ config: { max_steps: 1, deepspeed: "/etc/passwd" } })).toMatch(/^config\.deepspeed: /);
    expect(await refusal({ config: { max_steps: 1, some_setting: [`${home}/../../etc/shadow`] } })).toMatch(/^config\.some_setting\.0: /);
  });

  it("lets a path under the roots through, and Hub ids, bare names (the job's own folder) and patterns as they are", async () => {
    const { error } = await caller().trainingRuns.check({
      dataset,
      task: SFT,
      framework: "trl",
      model: path.join(home, "models", "..", "models", "base"),
      config: { max_steps: 1, chat_template_path: path.join(home, "template.jinja"), ref_model: "owner/ref", teacher_model_name_or_path: "gpt2", target_modules: ".*proj" },
    });
    expect(error).toEqual(null);
  });
});
