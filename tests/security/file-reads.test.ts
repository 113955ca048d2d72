/**
 * Reading files on the server through the studio's requests (issue 12, item 1): the tokenizer
 * option of training.diagnostics and datasets.importFromPath may name only paths under the
 * allowed roots (here: a fresh studio home and the shipped samples). A refusal is the same for a
 * missing path and one outside the roots, and no error quotes a file's content. The CLI may
 * still import any folder its user can read.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { connect, type Database } from "../../server/db/client";
import { findDataset } from "../../server/db/datasets";
import { createCaller } from "../../server/api/root";
import { IN_PROCESS_ADMIN } from "../../server/auth/roles";
import { startTestWorker } from "../jobs/test-worker";
import { importFromPath } from "../../server/services/imports";
import { SAMPLES_DIR } from "../../server/services/allowed-paths";
import { makeTempDir, removeTempDirs, writeFiles } from "../../server/feedback/test-helpers";
import { shutdownLongWork } from "../../server/long-work/pool";

const run = promisify(execFile);
const NOT_ALLOWED = "does not exist or lies outside the folders the studio may read: the studio home and the shipped samples, or those STUDIO_IMPORT_ROOTS lists";
const TOKENIZER_REFUSAL = (given: string) =>
  `No tokenizer at ${given}: give a folder under the folders the studio may read: the studio home and the shipped samples, or those STUDIO_IMPORT_ROOTS lists that holds tokenizer.json, or the file itself.`;
const TASK = { task: "text_classification", text: "text", label: "sentiment" };
const SAMPLE = "sec-sentiment";

let db: Database;
let caller: ReturnType<typeof createCaller>;
let worker: { stop(): Promise<void> };
let home: string;
let outside: string;

beforeAll(async () => {
  home = fs.realpathSync(await makeTempDir("studio-home-"));
  outside = fs.realpathSync(await makeTempDir("outside-roots-"));
  // Set before any long-work thread starts (they share this environment).
  vi.stubEnv("STUDIO_HOME", home);
  vi.stubEnv("STUDIO_IMPORT_ROOTS", "");
  db = connect(inject("databaseUrl"));
  caller = createCaller({ db, user: IN_PROCESS_ADMIN });
  worker = await startTestWorker(db);
  await importFromPath(db.pool, path.join(SAMPLES_DIR, "sentiment-reviews"), { name: SAMPLE });
  const rows = fs.readFileSync(path.join(SAMPLES_DIR, "sentiment-reviews/data/train.jsonl"), "utf8");
  const settings = fs.readFileSync(path.join(SAMPLES_DIR, "sentiment-reviews/argilla.yaml"), "utf8");
  await writeFiles(outside, { "export/argilla.yaml": settings, "export/data/train.jsonl": rows, "secret.txt": "hunter2-top-secret" });
});
afterAll(async () => {
  await worker.stop();
  shutdownLongWork();
  await (globalThis as { studioDb?: Database }).studioDb?.close();
  await db.close();
  await removeTempDirs();
  vi.unstubAllEnvs();
});

const diagnostics = (tokenizer: string) => caller.training.diagnostics({ dataset: SAMPLE, task: TASK, framework: "setfit", tokenizer });

async function importRefusal(requested: string): Promise<string> {
  const error = await caller.datasets.importFromPath({ path: requested, name: "sec-never" }).catch((e: Error & { code?: string }) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as { code?: string }).code).toBe("BAD_REQUEST");
  return (error as Error).message;
}

/** Starts a path import and waits for its end: the job's error, or null when it imported. */
async function importOutcome(requested: string, name: string): Promise<string | null> {
  const { importId } = await caller.datasets.importFromPath({ path: requested, name });
  for (;;) {
    const job = await caller.datasets.importStatus({ importId });
    if (job.state === "failed") return job.error;
    if (job.state === "done") return null;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the tokenizer option of training.diagnostics", () => {
  it("refuses /etc/shadow and /etc/passwd without quoting them, and still reports the diagnostics", async () => {
    for (const file of ["/etc/shadow", "/etc/passwd"]) {
      const result = await diagnostics(file);
      expect(result.tokenizerError).toBe(TOKENIZER_REFUSAL(file));
      expect(result.tokenizerError).not.toMatch(/root:|Unexpected token/);
      expect(result.report!.rows.total).toBeGreaterThan(0);
    }
  });

  it("refuses a relative path that climbs to /etc/passwd without showing the working directory", async () => {
    const relative = path.relative(process.cwd(), "/etc/passwd");
    expect(relative).toMatch(/^(\.\.\/)+etc\/passwd$/);
    const result = await diagnostics(relative);
    expect(result.tokenizerError).toBe(TOKENIZER_REFUSAL(relative));
    expect(result.tokenizerError).not.toContain(process.cwd());
  });

  it("answers a missing path outside the roots exactly as an existing one", async () => {
    const missing = (await diagnostics(path.join(outside, "no-such-folder"))).tokenizerError;
    const existing = (await diagnostics(path.join(outside, "export"))).tokenizerError;
    expect(missing).toBe(TOKENIZER_REFUSAL(path.join(outside, "no-such-folder")));
    expect(existing).toBe(TOKENIZER_REFUSAL(path.join(outside, "export")));
    expect((await diagnostics(path.join(home, "no-such-folder"))).tokenizerError).toBe(TOKENIZER_REFUSAL(path.join(home, "no-such-folder")));
  });

  it("a file inside the roots that is not JSON: the error says where it breaks, never what it holds", async () => {
    await writeFiles(home, { "models/broken/tokenizer.json": "root:*:20200:0:99999:7:::\nhunter2\n" });
    const folder = path.join(home, "models/broken");
    const result = await diagnostics(folder);
    expect(result.tokenizerError).toBe(`"${folder}/tokenizer.json" is not valid JSON (line 1, column 1)`);
  });

  it("a tokenizer.json inside the roots that links to /etc/passwd is refused", async () => {
    const folder = path.join(home, "models/linked");
    fs.mkdirSync(folder, { recursive: true });
    fs.symlinkSync("/etc/passwd", path.join(folder, "tokenizer.json"));
    const result = await diagnostics(folder);
    expect(result.tokenizerError).toBe(`"${folder}" has no tokenizer.json inside the folders the studio may read`);
  });

  it("a tokenizer under the studio home is used", async () => {
    fs.cpSync(path.resolve("tests/fixtures/word-tokenizer"), path.join(home, "models/words"), { recursive: true });
    const result = await diagnostics(path.join(home, "models/words"));
    expect(result.tokenizerError).toBeNull();
    expect(result.report!.tokens!.rows).toBeGreaterThan(0);
  });
});

describe("datasets.importFromPath", () => {
  it("refuses /etc, /etc/passwd, a relative path and folders outside the roots, missing or not, with one message", async () => {
    const relative = path.relative(process.cwd(), "/etc");
    for (const requested of ["/etc", "/etc/passwd", relative, path.join(outside, "export"), path.join(outside, "missing"), path.join(home, "missing")]) {
      expect(await importRefusal(requested)).toBe(`${JSON.stringify(requested)} ${NOT_ALLOWED}`);
    }
    expect(await findDataset(db.pool, "sec-never")).toBeNull();
  });

  it("refuses a folder under the roots whose argilla.yaml or argilla.cfg links outside, quoting nothing", async () => {
    for (const [name, target] of [
      ["argilla.yaml", "/etc/passwd"],
      ["argilla.cfg", "/etc/passwd"],
      ["argilla.yaml", path.join(outside, "secret.txt")],
    ] as const) {
      const folder = path.join(home, `exports/linked-${name}-${path.basename(target)}`);
      await writeFiles(folder, { "data/train.jsonl": "{}\n" });
      fs.symlinkSync(target, path.join(folder, name));
      const error = await importOutcome(folder, "sec-linked");
      expect(error).toBe(`${name}: refused: it links to something missing or outside the folders the studio may read: the studio home and the shipped samples, or those STUDIO_IMPORT_ROOTS lists`);
      expect(error).not.toMatch(/root:|hunter2/);
    }
    expect(await findDataset(db.pool, "sec-linked")).toBeNull();
  });

  it("refuses a data file that links outside the roots", async () => {
    const folder = path.join(home, "exports/linked-data");
    await writeFiles(folder, { "argilla.yaml": fs.readFileSync(path.join(outside, "export/argilla.yaml")) });
    fs.mkdirSync(path.join(folder, "data"));
    fs.symlinkSync(path.join(outside, "export/data/train.jsonl"), path.join(folder, "data/train.jsonl"));
    expect(await importOutcome(folder, "sec-linked-data")).toMatch(/^data\/train\.jsonl: refused: it links to something missing or outside/);
    expect(await findDataset(db.pool, "sec-linked-data")).toBeNull();
  });

  it("imports a shipped sample named by a relative path", async () => {
    expect(await importOutcome("samples/sentiment-reviews", "sec-sample")).toBeNull();
    expect((await findDataset(db.pool, "sec-sample"))!.recordCount).toBeGreaterThan(0);
  });
});

describe("the CLI", () => {
  it("imports a folder outside the roots, links outside followed", async () => {
    const folder = path.join(outside, "cli-linked");
    fs.mkdirSync(path.join(folder, "data"), { recursive: true });
    fs.symlinkSync(path.join(outside, "export/argilla.yaml"), path.join(folder, "argilla.yaml"));
    fs.symlinkSync(path.join(outside, "export/data/train.jsonl"), path.join(folder, "data/train.jsonl"));
    const { stdout } = await run("npx", ["tsx", "cli/main.ts", "import", folder, "--name", "sec-cli", "--json"], {
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), STUDIO_HOME: home, STUDIO_IMPORT_ROOTS: "" },
    });
    const summary = JSON.parse(stdout.trim().split("\n").at(-1)!) as { dataset: string; records: number };
    expect(summary.dataset).toBe("sec-cli");
    expect(summary.records).toBe((await findDataset(db.pool, SAMPLE))!.recordCount);
  });
});
