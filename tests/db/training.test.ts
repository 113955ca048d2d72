/**
 * The training core on a stored dataset, through the tRPC procedures and the CLI: the preview
 * shows exactly the rows `studio prepare` writes, drops are counted by reason, and bad tasks come
 * back as messages.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { connect, type Database } from "../../server/db/client";
import { getDataset } from "../../server/db/datasets";
import { importFromPath } from "../../server/services/imports";
import { createCaller } from "../../server/api/root";
import { IN_PROCESS_ADMIN } from "../../server/auth/roles";
import { prepareDataset, WHOLE_DATASET_SANDBOX } from "../../server/services/prepare";
import { configureSandboxLimits, SANDBOX_LIMITS } from "../../server/training/sandbox";
import { parseTrainingTask } from "../../server/training";
import { makeTempDir, removeTempDirs, writeFiles } from "../../server/feedback/test-helpers";

const run = promisify(execFile);
const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";

const YAML = `allow_extra_metadata: true
fields:
- name: prompt
  required: true
  title: Prompt
  type: text
  use_markdown: false
- name: response-1
  required: true
  title: Response 1
  type: text
  use_markdown: false
- name: response-2
  required: true
  title: Response 2
  type: text
  use_markdown: false
guidelines: null
metadata_properties: null
questions:
- description: null
  name: preference
  required: true
  title: Preference
  type: ranking
  values:
  - response-1
  - response-2
vectors_settings: null
`;

/** Row i: response-1 is better on even rows; row 3 ties (both rank 1: no best or worst); row 5 has only a draft. */
function row(i: number) {
  const better = i % 2 === 0 ? ["response-1", "response-2"] : ["response-2", "response-1"];
  const rank = i === 3 ? [1, 1] : [1, 2];
  const status = i === 5 ? "draft" : "submitted";
  return {
    prompt: `question ${i}?`,
    "response-1": `first answer ${i}`,
    "response-2": `second answer ${i}`,
    preference: [
      { user_id: U1, value: { rank, value: better }, status },
      { user_id: U2, value: { rank, value: better }, status },
    ],
    "preference-suggestion": null,
    "preference-suggestion-metadata": { type: null, score: null, agent: null },
    external_id: null,
    metadata: JSON.stringify({ batch: i % 3 }),
  };
}

const DPO_TASK = {
  task: "direct_preference_optimization",
  template: {
    prompt: "{prompt}",
    chosen: { from_ranking: "preference", rank: "best" },
    rejected: { from_ranking: "preference", rank: "worst" },
  },
  responses: "unified",
  strategies: { preference: "majority" },
  seed: 7,
};

let db: Database;
let caller: ReturnType<typeof createCaller>;
beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  caller = createCaller({ db, user: IN_PROCESS_ADMIN });
  const dir = await makeTempDir("training-it-");
  await writeFiles(dir, { "argilla.yaml": YAML, "data/train.jsonl": Array.from({ length: 12 }, (_, i) => JSON.stringify(row(i))).join("\n") });
  await importFromPath(db.pool, dir, { name: "it-prefs" });
});
afterAll(async () => {
  await db.close();
  await removeTempDirs();
});

describe("training procedures", () => {
  it("lists the tasks the dataset allows", async () => {
    const options = await caller.training.options({ dataset: "it-prefs" });
    const kinds = options.tasks.map((t) => t.task);
    expect(kinds).toContain("direct_preference_optimization");
    expect(options.rankings).toEqual(["preference"]);
    expect(options.frameworks.direct_preference_optimization).toEqual(["trl"]);
  });

  it("previews DPO rows from a template and explains the dropped records", async () => {
    const preview = await caller.training.preview({ dataset: "it-prefs", task: DPO_TASK, framework: "trl", limit: 6 });
    expect(preview.taskError).toBeNull();
    const byIndex = new Map(preview.formatted!.records.map((r) => [r.index, r]));
    expect(byIndex.get(0)!.rows).toEqual([{ prompt: "question 0?", chosen: "first answer 0", rejected: "second answer 0" }]);
    expect(byIndex.get(1)!.rows).toEqual([{ prompt: "question 1?", chosen: "second answer 1", rejected: "first answer 1" }]);
    expect(byIndex.get(3)!.dropped?.reason).toBe("ambiguous_ranking");
    expect(byIndex.get(5)!.dropped?.reason).toBe("no_submitted_responses");
    expect(preview.records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("returns a broken task as a message, not an exception", async () => {
    const preview = await caller.training.preview({ dataset: "it-prefs", task: { task: "direct_preference_optimization" }, framework: "trl" });
    expect(preview.taskError).toMatch(/template|formatting_func/);
  });

  it("returns a function that does not compile as a message", async () => {
    const task = { task: "supervised_fine_tuning", formatting_func: { language: "javascript", source: "function f(sample) { return sample.prompt +; }" } };
    const preview = await caller.training.preview({ dataset: "it-prefs", task, framework: "trl", limit: 2 });
    expect(preview.taskError).toMatch(/syntax|Unexpected|expected/i);
  });

  it("reports a throwing formatting function next to its record", async () => {
    const task = {
      task: "supervised_fine_tuning",
      formatting_func: { language: "javascript", source: "function f(sample) { if (sample.prompt === 'question 2?') throw new Error('boom'); return sample.prompt; }" },
    };
    const preview = await caller.training.preview({ dataset: "it-prefs", task, framework: "trl", limit: 4 });
    const failed = preview.formatted!.records.find((r) => r.index === 2)!;
    expect(failed.error).toMatch(/boom/);
    expect(preview.formatted!.records.find((r) => r.index === 1)!.rows).toEqual([expect.objectContaining({ text: "question 1?" })]);
  });

  it("diagnostics count every drop reason over the whole dataset", async () => {
    const result = await caller.training.diagnostics({ dataset: "it-prefs", task: DPO_TASK, framework: "trl" });
    expect(result.taskError).toBeNull();
    expect(result.meta!.counts.records).toBe(12);
    expect(result.dropped!.ambiguous_ranking.count).toBe(1);
    expect(result.dropped!.no_submitted_responses.recordIds).toEqual(["5"]);
    expect(result.report!.rows.total).toBe(10);
  });

  it("diagnostics measure token lengths with a tokenizer under the allowed roots, and name one that cannot load", async () => {
    const tokenizer = path.resolve("tests/fixtures/word-tokenizer");
    const previous = process.env.STUDIO_IMPORT_ROOTS;
    process.env.STUDIO_IMPORT_ROOTS = path.dirname(tokenizer); // the diagnostics thread shares this process's settings
    try {
      const result = await caller.training.diagnostics({ dataset: "it-prefs", task: DPO_TASK, framework: "trl", tokenizer });
      expect(result.tokenizerError).toBeNull();
      expect(result.report!.tokens!.tokenizer).toBe(tokenizer);
      expect(result.report!.tokens!.rows).toBe(10);
      // prompts are "question N?": 3 tokens (question, N, ?)
      expect(result.report!.tokens!.lengths.prompt).toMatchObject({ count: 10, min: 3, max: 3 });
      // A missing path and a file outside the roots get the same answer, which quotes neither content nor existence.
      for (const outside of ["/no/such/tokenizer", "/etc/passwd"]) {
        const refused = await caller.training.diagnostics({ dataset: "it-prefs", task: DPO_TASK, framework: "trl", tokenizer: outside });
        expect(refused.tokenizerError).toBe(
          `No tokenizer at ${outside}: give a folder under the folders the studio may read: the studio home and the shipped samples, or those STUDIO_IMPORT_ROOTS lists that holds tokenizer.json, or the file itself.`,
        );
        expect(refused.report!.rows.total).toBe(10);
        expect(refused.report!.tokens).toBeUndefined();
      }
    } finally {
      if (previous === undefined) delete process.env.STUDIO_IMPORT_ROOTS;
      else process.env.STUDIO_IMPORT_ROOTS = previous;
    }
  });

  it("a formatting function's full prepare sees each record's metadata", async () => {
    const task = { task: "supervised_fine_tuning", formatting_func: { language: "javascript", source: "function f(sample) { return sample.prompt + ' ' + sample.metadata; }" } };
    const { prepared } = await prepareDataset(db, await getDataset(db.pool, "it-prefs"), { task: parseTrainingTask(task), framework: "trl" });
    expect(prepared.train.slice(0, 2)).toEqual([{ id: "0", text: 'question 0? {"batch": 0}' }, { id: "1", text: 'question 1? {"batch": 1}' }]);
  });

  it("a whole-dataset prepare (studio prepare, an export, a job) is not held to the interactive CPU budget", async () => {
    // 30 ms of CPU a record, 12 records: over a 100 ms budget, which stands in for the 60 s one.
    const task = parseTrainingTask({
      task: "supervised_fine_tuning",
      formatting_func: { language: "javascript", source: "function f(sample) { const t = Date.now(); while (Date.now() - t < 30) {} return sample.prompt; }" },
    });
    const dataset = await getDataset(db.pool, "it-prefs");
    configureSandboxLimits({ cpuBudgetMs: 100 });
    try {
      await expect(prepareDataset(db, dataset, { task, framework: "trl" })).rejects.toThrow(/CPU budget of 100 ms/);
      const { prepared } = await prepareDataset(db, dataset, { task, framework: "trl", sandbox: WHOLE_DATASET_SANDBOX });
      expect(prepared.train).toHaveLength(12);
    } finally {
      configureSandboxLimits({ cpuBudgetMs: SANDBOX_LIMITS.cpuBudgetMs });
    }
  });

  it("studio prepare writes exactly the previewed rows", async () => {
    const dir = await makeTempDir("prepare-cli-");
    fs.writeFileSync(path.join(dir, "task.json"), JSON.stringify(DPO_TASK));
    const { stdout } = await run(
      process.execPath,
      [path.resolve("bin/studio.mjs"), "prepare", "--dataset", "it-prefs", "--task", path.join(dir, "task.json"), "--framework", "trl", "--out", path.join(dir, "out"), "--json"],
      { env: { ...process.env, DATABASE_URL: inject("databaseUrl") } },
    );
    const last = JSON.parse(stdout.trim().split("\n").at(-1)!);
    expect(last).toEqual({ train: 10, test: 0, dropped: { no_submitted_responses: 1, ambiguous_ranking: 1 } });
    const written = fs.readFileSync(path.join(dir, "out", "train.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const preview = await caller.training.preview({ dataset: "it-prefs", task: DPO_TASK, framework: "trl", limit: 12 });
    expect(written).toEqual(preview.formatted!.records.flatMap((r) => r.rows));
    const meta = JSON.parse(fs.readFileSync(path.join(dir, "out", "meta.json"), "utf8"));
    expect(meta.dropped).toEqual(last.dropped);
  });

  it("builds the equivalent CLI command", async () => {
    expect(await caller.training.command({ dataset: "it-prefs", framework: "trl", trainSize: 0.8, seed: 3 })).toBe(
      "npx studio prepare --dataset it-prefs --task task.json --framework trl --train-size 0.8 --seed 3 --out prepared",
    );
    expect(await caller.training.command({ dataset: "it-prefs", framework: "sentence-transformers", crossEncoder: true })).toBe(
      "npx studio prepare --dataset it-prefs --task task.json --framework sentence-transformers --cross-encoder --out prepared",
    );
  });
});
