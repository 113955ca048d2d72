/**
 * The model download (app/api/jobs/[id]/model/route.ts) on the real database: the archive, unzipped
 * here, holds exactly the model folder's files with their bytes; links planted in the folder that
 * point outside (a file and a folder) are not followed; a model folder that resolves outside its job's
 * folder, a job that has not succeeded and an unknown id get 404 in words without a server path; and
 * nobody without a session gets anything.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { connect, type Database } from "../../server/db/client";
import { trainingJobDir } from "../../server/jobs/kinds/training";
import { insertJob } from "../../server/jobs/store";
import { createPerson, type TestPerson } from "../auth/sessions";
import { GET } from "../../app/api/jobs/[id]/model/route";
import { unzipFiles } from "./unzip";

let db: Database;
let viewer: TestPerson;
let home: string;
let outside: string;
let previousUrl: string | undefined;
const SECRET = `outside-secret-${crypto.randomUUID()}`;

/** The model files every test job gets (relative path → content). */
const MODEL_FILES: Record<string, string | Buffer> = {
  "config.json": JSON.stringify({ labels: ["negative", "positive"] }),
  "README.md": "---\nlicense: apache-2.0\n---\n# A card\n",
  "model.safetensors": crypto.randomBytes(70_000),
  "tokenizer/vocab.txt": "a\nb\nc\n".repeat(500),
};

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  previousUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = inject("databaseUrl"); // the route's own connection (serverDatabase)
  home = await fs.promises.mkdtemp(path.join(os.tmpdir(), "studio-model-zip-"));
  outside = await fs.promises.mkdtemp(path.join(os.tmpdir(), "studio-outside-"));
  await fs.promises.writeFile(path.join(outside, "secret.txt"), SECRET);
  vi.stubEnv("STUDIO_HOME", home);
  viewer = await createPerson(db, "viewer");
});

afterAll(async () => {
  vi.unstubAllEnvs();
  if (previousUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = previousUrl;
  await db.close();
  await fs.promises.rm(home, { recursive: true, force: true });
  await fs.promises.rm(outside, { recursive: true, force: true });
});

/** A training job row in `state`, its model folder (given, or jobs/<id>/output/model) filled with MODEL_FILES. */
async function trainingJobWithModel(state: "succeeded" | "running", modelDir?: (jobDir: string) => Promise<string>): Promise<{ id: string; modelDir: string }> {
  const job = await insertJob(db.pool, { kind: "training", payload: { framework: "spacy", model: "blank:en", task: { task: "text_classification" } }, datasetId: null, maxAttempts: 1 });
  const jobDir = trainingJobDir(job.id);
  const dir = modelDir ? await modelDir(jobDir) : path.join(jobDir, "output", "model");
  for (const [name, content] of Object.entries(MODEL_FILES)) {
    await fs.promises.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.promises.writeFile(path.join(dir, name), content);
  }
  await db.pool.query("UPDATE job SET state = $2, result = $3 WHERE id = $1", [job.id, state, JSON.stringify({ status: "succeeded", metrics: {}, modelDir: dir, step: 1, pins: {} })]);
  return { id: job.id, modelDir: dir };
}

function download(id: string, cookie: string | null = viewer.cookie): Promise<Response> {
  const headers: Record<string, string> = { host: "localhost:3000" };
  if (cookie) headers.cookie = cookie;
  return GET(new Request(`http://localhost:3000/api/jobs/${id}/model`, { headers }), { params: Promise.resolve({ id }) });
}

async function refusalText(response: Response): Promise<string> {
  const text = await response.text();
  expect(text).not.toContain(home);
  expect(text).not.toContain(outside);
  expect(text).not.toMatch(/\/tmp\/|\/work\/|\/home\//);
  return (JSON.parse(text) as { error: string }).error;
}

describe("GET /api/jobs/<id>/model", () => {
  it("streams exactly the model folder's files, and follows no link planted in it", async () => {
    const { id, modelDir } = await trainingJobWithModel("succeeded");
    await fs.promises.symlink(path.join(outside, "secret.txt"), path.join(modelDir, "stolen.txt"));
    await fs.promises.symlink(outside, path.join(modelDir, "tokenizer", "stolen-folder"));
    await fs.promises.symlink(path.join(modelDir, "config.json"), path.join(modelDir, "inside-link.json")); // even one pointing inside

    const response = await download(id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    const disposition = response.headers.get("content-disposition")!;
    expect(disposition).toBe(`attachment; filename="spacy-${id.slice(0, 8)}-model.zip"`);
    const buffer = Buffer.from(await response.arrayBuffer());
    expect(buffer.includes(Buffer.from(SECRET))).toBe(false);

    const files = await unzipFiles(buffer);
    const prefix = `spacy-${id.slice(0, 8)}-model/`;
    expect([...files.keys()].sort()).toEqual(Object.keys(MODEL_FILES).map((name) => prefix + name).sort());
    for (const [name, content] of Object.entries(MODEL_FILES)) expect(files.get(prefix + name)!.equals(Buffer.from(content))).toBe(true);
  });

  it("refuses a model folder that resolves outside its job's folder, in words and without a path", async () => {
    // The result names a folder elsewhere.
    const elsewhere = await trainingJobWithModel("succeeded", async () => path.join(outside, `model-${crypto.randomUUID()}`));
    const response = await download(elsewhere.id);
    expect(response.status).toBe(404);
    expect(await refusalText(response)).toBe(`The model of training job ${elsewhere.id} is not in its job's folder`);

    // The model folder inside the job's folder is a link to a folder outside.
    const linked = await trainingJobWithModel("succeeded", async (jobDir) => {
      const target = path.join(outside, `linked-${crypto.randomUUID()}`);
      await fs.promises.mkdir(path.join(jobDir, "output"), { recursive: true });
      await fs.promises.mkdir(target);
      await fs.promises.symlink(target, path.join(jobDir, "output", "model"));
      return path.join(jobDir, "output", "model");
    });
    const linkedResponse = await download(linked.id);
    expect(linkedResponse.status).toBe(404);
    expect(await refusalText(linkedResponse)).toMatch(/not in its job's folder/);
  });

  it("answers 404 in words for a job still running, an unknown id and a malformed id", async () => {
    const running = await trainingJobWithModel("running");
    const runningResponse = await download(running.id);
    expect(runningResponse.status).toBe(404);
    expect(await refusalText(runningResponse)).toBe(`training job ${running.id} has not succeeded (it is running)`);

    const unknown = crypto.randomUUID();
    const unknownResponse = await download(unknown);
    expect(unknownResponse.status).toBe(404);
    expect(await refusalText(unknownResponse)).toBe(`no training job ${unknown}`);

    const malformed = await download("../../etc");
    expect(malformed.status).toBe(404);
  });

  it("needs a session", async () => {
    const { id } = await trainingJobWithModel("succeeded");
    const response = await download(id, null);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain("safetensors");
  });
});
