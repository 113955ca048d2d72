/**
 * Every task example in the README's "Task JSON" section runs as its command says, through the
 * `studio prepare` CLI, on the shipped sample it names, and gives rows; a chat's rows hold real
 * turns (roles, one message each), not a transcript in one message. The task builder's starting
 * chat tasks on the shipped support-chat sample are held to the same standard.
 *
 * README format: in a ```jsonc block of that section, a comment line `// npx studio prepare
 * --dataset SAMPLE …` starts an example; its task JSON is every non-comment line up to the next
 * such line. A ```ts or ```js block whose first line is `// PATH.ts …` is a file beside task.json.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { connect, type Database } from "../../server/db/client";
import { importFromPath } from "../../server/services/imports";
import { createCaller } from "../../server/api/root";
import { IN_PROCESS_ADMIN } from "../../server/auth/roles";
import { makeTempDir, removeTempDirs } from "../../server/feedback/test-helpers";
import { TASK_KINDS } from "../../server/training";
import type { TaskMode } from "../../components/training/builder-state";
import { frameworkFor, initialTask } from "../../components/training/starting-tasks";

const run = promisify(execFile);
const SAMPLES = path.resolve("samples");
/** Samples are imported under this prefix, so no other test's dataset names clash. */
const PREFIX = "readme-";
const ROLES = new Set(["system", "user", "assistant"]);

interface Example {
  /** Where its command is, for messages: "README.md:87". */
  at: string;
  sample: string;
  /** The command's arguments after `npx studio prepare`. */
  args: string[];
  task: unknown;
}

function readmeTaskSection(): { text: string; firstLine: number } {
  const readme = fs.readFileSync(path.resolve("README.md"), "utf8");
  const start = readme.indexOf("\n### Task JSON\n");
  expect(start, 'README.md has a "### Task JSON" section').toBeGreaterThan(0);
  const next = readme.slice(start + 1).search(/\n#{1,3} /);
  const text = next < 0 ? readme.slice(start + 1) : readme.slice(start + 1, start + 1 + next);
  return { text, firstLine: readme.slice(0, start + 1).split("\n").length };
}

function readmeExamples(): { examples: Example[]; files: Map<string, string> } {
  const { text, firstLine } = readmeTaskSection();
  const examples: Example[] = [];
  const files = new Map<string, string>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const end = lines.indexOf("```", i + 1);
    expect(end, `README.md:${firstLine + i}: unclosed code block`).toBeGreaterThan(i);
    const body = lines.slice(i + 1, end);
    const lang = fence[1];
    if (lang === "jsonc" || lang === "json") {
      let current: { at: string; command: string; json: string[] } | null = null;
      const finish = () => {
        if (current) examples.push(exampleOf(current.at, current.command, current.json.join("\n")));
      };
      body.forEach((line, k) => {
        const at = `README.md:${firstLine + i + 1 + k}`;
        const command = /^\/\/\s*(npx studio prepare .*)$/.exec(line.trim());
        if (command) {
          finish();
          current = { at, command: command[1]!, json: [] };
        } else if (!line.trim().startsWith("//") && line.trim()) {
          // Task JSON outside an example would go untested.
          expect(current, `${at}: task JSON without a "// npx studio prepare --dataset SAMPLE …" line above it`).not.toBeNull();
          current!.json.push(line);
        }
      });
      finish();
    } else if (lang === "ts" || lang === "js") {
      const file = /^\/\/\s*([\w./-]+\.(?:m|c)?[jt]s)\b/.exec(body[0] ?? "");
      if (file) files.set(file[1]!, body.join("\n") + "\n");
    }
    i = end;
  }
  return { examples, files };
}

function exampleOf(at: string, command: string, json: string): Example {
  const words = command.split(/\s+/);
  expect(words.slice(0, 3), at).toEqual(["npx", "studio", "prepare"]);
  const args = words.slice(3);
  const sample = args[args.indexOf("--dataset") + 1];
  expect(sample && args.includes("--dataset"), `${at}: the command names no --dataset`).toBeTruthy();
  expect(fs.existsSync(path.join(SAMPLES, sample!, "argilla.yaml")), `${at}: no shipped sample "${sample}"`).toBe(true);
  let task: unknown;
  try {
    task = JSON.parse(json);
  } catch (error) {
    throw new Error(`${at}: the task JSON does not parse: ${(error as Error).message}`);
  }
  return { at, sample: sample!, args, task };
}

/** What keeps a conversation from being real turns; empty when it is one. */
function turnProblems(messages: unknown): string[] {
  if (!Array.isArray(messages) || messages.length === 0) return ["no messages"];
  const problems: string[] = [];
  messages.forEach((m: { role?: unknown; content?: unknown }, i) => {
    if (!ROLES.has(m?.role as string)) problems.push(`message ${i}: role ${JSON.stringify(m?.role)}`);
    if (typeof m?.content !== "string" || !m.content.trim()) problems.push(`message ${i}: empty content`);
    else if (/^\s*(system|user|assistant)\s*:/im.test(m.content) || /^\s*\[\s*\{\s*"role"/.test(m.content)) {
      problems.push(`message ${i}: a transcript inside one message`);
    }
  });
  const roles = messages.map((m: { role?: unknown }) => m?.role);
  const dialogue = roles.filter((r) => r !== "system");
  if (dialogue[0] !== "user") problems.push("the dialogue does not start with a user turn");
  if (dialogue.at(-1) !== "assistant") problems.push("the dialogue does not end with an assistant turn");
  if (dialogue.some((r, i) => i > 0 && r === dialogue[i - 1])) problems.push(`two turns in a row by one role: ${roles.join(", ")}`);
  return problems;
}

let db: Database;
let caller: ReturnType<typeof createCaller>;
const { examples, files } = readmeExamples();

beforeAll(async () => {
  db = connect(inject("databaseUrl"));
  caller = createCaller({ db, user: IN_PROCESS_ADMIN });
  for (const sample of new Set([...examples.map((e) => e.sample), "support-chat"])) {
    await importFromPath(db.bulk, path.join(SAMPLES, sample), { name: PREFIX + sample });
  }
});
afterAll(async () => {
  await db?.close();
  await removeTempDirs();
});

/** Runs `studio prepare` as the arguments say, on the imported sample, into a temp folder: its summary and rows. */
async function studioPrepare(args: string[], task: unknown) {
  const dir = await makeTempDir("readme-example-");
  fs.writeFileSync(path.join(dir, "task.json"), JSON.stringify(task));
  for (const [file, source] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), source);
  }
  const out = path.join(dir, "out");
  const replaced: Record<string, string> = { "--task": path.join(dir, "task.json"), "--out": out };
  const argv = args.map((arg, i) => {
    const flag = args[i - 1]!;
    if (flag === "--dataset") return PREFIX + arg;
    return replaced[flag] ?? arg;
  });
  const { stdout } = await run(process.execPath, [path.resolve("bin/studio.mjs"), "prepare", ...argv, "--json"], {
    env: { ...process.env, DATABASE_URL: inject("databaseUrl") },
  });
  const summary = JSON.parse(stdout.trim().split("\n").at(-1)!) as { train: number; test: number; dropped: Record<string, number> };
  const rows = (split: string) => {
    const file = path.join(out, `${split}.jsonl`);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) : [];
  };
  return { summary, rows: [...rows("train"), ...rows("test")] };
}

/** Chat rows: every conversation is real turns, and some hold several user turns (the sample's chats are multi-turn). */
function expectRealTurns(rows: Record<string, unknown>[], at: string) {
  for (const [i, row] of rows.entries()) expect(turnProblems(row.messages), `${at}: row ${i}`).toEqual([]);
  const multiTurn = rows.filter((row) => (row.messages as { role: string }[]).filter((m) => m.role === "user").length > 1);
  expect(multiTurn.length, `${at}: rows with several user turns`).toBeGreaterThan(0);
}

describe("README task examples", () => {
  it("are found: every task kind and every shipped sample has one, the chat example on support-chat", () => {
    const kinds = new Set(examples.map((e) => (e.task as { task?: string }).task));
    for (const kind of TASK_KINDS) expect(kinds.has(kind), `no README example of ${kind}`).toBe(true);
    const named = new Set(examples.map((e) => e.sample));
    for (const sample of fs.readdirSync(SAMPLES)) {
      if (fs.existsSync(path.join(SAMPLES, sample, "argilla.yaml"))) expect(named.has(sample), `no README example on samples/${sample}`).toBe(true);
    }
    expect(examples.find((e) => (e.task as { task?: string }).task === "chat_completion")?.sample).toBe("support-chat");
    // The files a formatting_func names are shown in the README too.
    for (const e of examples) {
      const func = (e.task as { formatting_func?: unknown }).formatting_func;
      if (typeof func === "string") expect(files.has(func), `${e.at}: ${func} is not in the README`).toBe(true);
    }
  });

  it("the turn check refuses a transcript in one message", () => {
    expect(turnProblems([{ role: "user", content: "user: Hi\n\nassistant: Hello\n\nuser: Where is my order?" }, { role: "assistant", content: "On its way." }])).toContain(
      "message 0: a transcript inside one message",
    );
    expect(turnProblems([{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }])).toEqual([]);
  });

  for (const example of examples) {
    it(`${example.at}: studio prepare ${example.args.join(" ")}`, async () => {
      const { summary, rows } = await studioPrepare(example.args, example.task);
      expect(summary.train, `${example.at}: training rows`).toBeGreaterThan(0);
      expect(rows).toHaveLength(summary.train + summary.test);
      for (const row of rows) expect(Object.keys(row).length, example.at).toBeGreaterThan(0);
      if ((example.task as { task?: string }).task === "chat_completion") expectRealTurns(rows, example.at);
    });
  }
});

describe("the task builder's starting chat task on support-chat", () => {
  for (const mode of ["template", "function"] as TaskMode[]) {
    it(`${mode}: real turns from the conversation field`, async () => {
      const dataset = PREFIX + "support-chat";
      const [options, { settings }] = await Promise.all([caller.training.options({ dataset }), caller.datasets.get({ name: dataset })]);
      const task = initialTask("chat_completion", mode, options, settings);
      const framework = frameworkFor("chat_completion", null, options);
      const { summary, rows } = await studioPrepare(["--dataset", "support-chat", "--task", "task.json", "--framework", framework, "--out", "prepared"], task);
      expect(summary.train).toBeGreaterThan(0);
      expectRealTurns(rows, `builder ${mode} task ${JSON.stringify(task)}`);
    });
  }
});
