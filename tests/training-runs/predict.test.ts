/**
 * Predictions from trained models through the warm predict pool (server/training-runs/predict.ts) and
 * `studio predict`, on the real database and the test environment's Python: a spaCy classifier trained
 * through the real queue on the sentiment sample, and the tiny Llama of the end-to-end tests as a
 * generator. Also the model card the job's folder gets (its YAML front matter parsed).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { load as loadYaml } from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { trainingJob, trainingJobDir } from "../../server/jobs/kinds/training";
import { requestCancel } from "../../server/jobs/store";
import { parseTrainingTask } from "../../server/training";
import { writeModelCard } from "../../server/training-runs/model-card";
import { parsePredictInput, PredictError, PredictInputError, PredictJobError, PredictPool, predictWithJob, trainedModel } from "../../server/training-runs/predict";
import { openStudio, train, type Studio, type TrainedJob } from "./frameworks";

const POSITIVE = "Worth every penny. I love it. It works perfectly and the build feels solid and premium.";
const NEGATIVE = "Complete waste of money. It stopped working after two weeks. Save your money, I'm asking for a refund.";
const TASK = { task: "text_classification", text: "text", label: "sentiment" };

let studio: Studio;
let classifier: TrainedJob;
let datasetId: number;
const pools: PredictPool[] = [];

/** A pool closed after the file. */
function pool(options: ConstructorParameters<typeof PredictPool>[0] = {}): PredictPool {
  const created = new PredictPool(options);
  pools.push(created);
  return created;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The pid of the pool's one live process. */
function onlyPid(predictPool: PredictPool): number {
  const live = predictPool.live();
  expect(live).toHaveLength(1);
  return live[0]!.pid;
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (e: Error) => e,
  );
  expect(error).not.toBeNull();
  expect(error!.message).not.toContain(path.resolve(".studio-test"));
  expect(error!.message).not.toMatch(/\/work\/|\/home\/|\/tmp\//);
  return error!;
}

beforeAll(async () => {
  studio = await openStudio();
  datasetId = await studio.sample("sentiment-reviews");
  classifier = await train(studio, {
    datasetId,
    task: TASK,
    framework: "spacy",
    model: "blank:en",
    config: { max_steps: 60, batch_size: 8, eval_frequency: 20 },
    options: { testSize: 0.25, seed: 42 },
  });
}, 300_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await studio?.close();
});

describe("predictWithJob on a trained classifier", () => {
  it("predicts the right label for clear inputs, the second call from the same warm process", async () => {
    const warm = pool();
    let started = performance.now();
    const positive = await predictWithJob(studio.db, classifier.row.id, POSITIVE, warm);
    const cold = performance.now() - started;
    expect("labels" in positive && positive.labels[0]!.label).toBe("positive");
    const [first] = warm.live();
    expect(first).toMatchObject({ modelDir: classifier.result.modelDir });

    started = performance.now();
    const negative = await predictWithJob(studio.db, classifier.row.id, { text: NEGATIVE }, warm);
    const second = performance.now() - started;
    expect("labels" in negative && negative.labels[0]!.label).toBe("negative");
    expect(warm.live()).toEqual([first]);
    console.log(`spaCy classifier: first call ${cold.toFixed(0)} ms (starts the process), second ${second.toFixed(1)} ms`);
  });

  it("serves concurrent requests for one model from one process, one at a time", async () => {
    const shared = pool();
    const texts = [POSITIVE, NEGATIVE, POSITIVE, NEGATIVE, POSITIVE];
    const answers = await Promise.all(texts.map((text) => predictWithJob(studio.db, classifier.row.id, text, shared)));
    expect(answers.map((answer) => "labels" in answer && answer.labels[0]!.label)).toEqual(["positive", "negative", "positive", "negative", "positive"]);
    onlyPid(shared);
  });

  it("restarts a killed process on the next call", async () => {
    const warm = pool();
    await predictWithJob(studio.db, classifier.row.id, POSITIVE, warm);
    const pid = onlyPid(warm);
    process.kill(pid, "SIGKILL");
    await until(() => !alive(pid), 5000);
    const again = await predictWithJob(studio.db, classifier.row.id, POSITIVE, warm);
    expect("labels" in again && again.labels[0]!.label).toBe("positive");
    expect(warm.live()).toHaveLength(1);
    expect(warm.live()[0]!.pid).not.toBe(pid);
  });

  it("stops a process once it has been idle for the idle time", async () => {
    const brief = pool({ idleSeconds: 0.5 });
    await predictWithJob(studio.db, classifier.row.id, POSITIVE, brief);
    const pid = onlyPid(brief);
    await until(() => !alive(pid), 10_000);
    expect(brief.live()).toEqual([]);
  });

  it("kills a process whose request overruns its time limit, and the next call starts a new one", async () => {
    const strict = pool({ requestTimeoutMs: 500 });
    await predictWithJob(studio.db, classifier.row.id, POSITIVE, strict);
    const pid = onlyPid(strict);
    process.kill(pid, "SIGSTOP"); // a process that never answers
    const error = await refusal(predictWithJob(studio.db, classifier.row.id, POSITIVE, strict));
    expect(error).toBeInstanceOf(PredictError);
    expect(error.message).toMatch(/took longer than 0.5 s; the model's process was stopped/);
    await until(() => !alive(pid), 5000);
    const again = await predictWithJob(studio.db, classifier.row.id, POSITIVE, strict);
    expect("labels" in again).toBe(true);
    expect(strict.live()[0]!.pid).not.toBe(pid);
  });

  it("refuses hostile input before any process starts, naming the field and no server path", async () => {
    const guarded = pool();
    const id = classifier.row.id;
    const cases: [unknown, RegExp][] = [
      [{ text: "x".repeat(20_001) }, /^input\.text: longer than 20,000 characters$/],
      ["y".repeat(100_000), /^input: larger than 64 KiB$/],
      [{ text: 5 }, /^input\.text: /],
      [{}, /^input\.text: /],
      [{ text: "fine", rm: "-rf /" }, /^input: unknown field `rm`$/],
      [{ text: "" }, /^input\.text: must not be empty$/],
      [[POSITIVE], /^input: /],
      [null, /^input: /],
    ];
    for (const [input, message] of cases) {
      const error = await refusal(predictWithJob(studio.db, id, input, guarded));
      expect(error, JSON.stringify(input)?.slice(0, 40)).toBeInstanceOf(PredictInputError);
      expect(error.message).toMatch(message);
    }
    expect(guarded.live()).toEqual([]);

    // The other tasks' schemas: pairs and questions take an object; generation caps max_new_tokens; the request's size is capped.
    expect(() => parsePredictInput("question_answering", "Where?")).toThrow(/^input: this model answers a question from a context: give \{"question"/);
    expect(() => parsePredictInput("question_answering", { question: "Where?" })).toThrow(/^input\.context: /);
    expect(() => parsePredictInput("sentence_similarity", { sentence1: "a", sentence2: ["b"] })).toThrow(/^input\.sentence2: /);
    expect(() => parsePredictInput("sft", { prompt: "Hi", max_new_tokens: 100_000 })).toThrow(/^input\.max_new_tokens: .*256/);
    expect(() => parsePredictInput("dpo", { prompt: "Hi", temperature: -1 })).toThrow(/^input\.temperature: /);
    expect(() => parsePredictInput("chat_completion", { prompt: "Hi", messages: [{ role: "user", content: "Hi" }] })).toThrow(/one of them/);
    expect(() => parsePredictInput("chat_completion", { messages: [{ role: "root", content: "Hi" }] })).toThrow(/^input\.messages\.0\.role: /);
    const big = { messages: Array.from({ length: 8 }, () => ({ role: "user", content: "z".repeat(10_000) })) };
    expect(() => parsePredictInput("chat_completion", big)).toThrow(/^input: larger than 64 KiB$/);
    expect(parsePredictInput("reward_modeling", "A helpful answer.")).toEqual({ task: "reward_modeling", input: { text: "A helpful answer." } });
    expect(parsePredictInput("ppo", "Hello")).toEqual({ task: "generation", input: { prompt: "Hello", max_new_tokens: 64, temperature: 0 } });
  });

  it("names a job it cannot predict with: unknown, not a training job's model, not succeeded", async () => {
    const guarded = pool();
    const unknown = await refusal(predictWithJob(studio.db, "00000000-0000-4000-8000-000000000000", POSITIVE, guarded));
    expect(unknown).toBeInstanceOf(PredictJobError);
    expect(unknown.message).toBe("no training job 00000000-0000-4000-8000-000000000000");
    expect((await refusal(predictWithJob(studio.db, "../../etc/passwd", POSITIVE, guarded))).message).toMatch(/^no training job/);

    const queued = await studio.queue.enqueue(trainingJob, { datasetId, task: parseTrainingTask(TASK), framework: "spacy", model: "blank:en", config: {}, options: {} });
    await requestCancel(studio.db.pool, queued.id); // never run by another file's worker
    const notDone = await refusal(predictWithJob(studio.db, queued.id, POSITIVE, guarded));
    expect(notDone.message).toBe(`training job ${queued.id} has not succeeded (it is cancelled)`);
    expect(guarded.live()).toEqual([]);
  });
});

describe("a warm generator", () => {
  it("answers prompts and chat messages from one process, and the least recently used model makes room", async () => {
    const one = pool({ maxProcesses: 1 });
    await predictWithJob(studio.db, classifier.row.id, POSITIVE, one);
    const classifierPid = onlyPid(one);

    const llama = { modelDir: studio.tiny.llama, framework: "trl", task: "supervised_fine_tuning" };
    const first = await one.predict(llama, { prompt: "### Instruction: Say hello", max_new_tokens: 8 });
    expect(typeof (first as { text: string }).text).toBe("string");
    await until(() => !alive(classifierPid), 5000); // at most one process: the classifier's was stopped
    expect(one.live()).toHaveLength(1);
    const generatorPid = one.live()[0]!.pid;
    const chat = await one.predict(llama, { messages: [{ role: "user", content: "Hello" }], max_new_tokens: 4 });
    expect(typeof (chat as { text: string }).text).toBe("string");
    expect(one.live()).toEqual([{ modelDir: studio.tiny.llama, pid: generatorPid }]);
  });
});

describe("studio predict", () => {
  it("predicts from the command line, where no studio runs, and ends with the prediction as JSON", async () => {
    const run = promisify(execFile);
    const cli = ["--import", "tsx", path.resolve("cli/main.ts"), "predict", classifier.row.id];
    const env = { ...process.env, DATABASE_URL: inject("databaseUrl"), STUDIO_HOME: path.resolve(".studio-test") };
    const { stdout } = await run(process.execPath, [...cli, NEGATIVE, "--json"], { env, timeout: 120_000 });
    const prediction = JSON.parse(stdout.trim().split("\n").at(-1)!);
    expect(prediction.labels[0].label).toBe("negative");

    const refused = await run(process.execPath, [...cli, '{"text": "fine", "extra": 1}', "--json"], { env, timeout: 120_000 }).then(
      () => null,
      (error: { stdout: string; code: number }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(JSON.parse(refused!.stdout.trim().split("\n").at(-1)!)).toEqual({ error: "input: unknown field `extra`" });
  }, 180_000);
});

describe("the model card of a trained job", () => {
  it("is README.md in the model folder with the Hub's front matter and the job's lineage", async () => {
    const jobDir = trainingJobDir(classifier.row.id);
    const card = fs.readFileSync(path.join(classifier.result.modelDir!, "README.md"), "utf8"); // the job wrote it when it succeeded
    await writeModelCard(jobDir);
    expect(fs.readFileSync(path.join(classifier.result.modelDir!, "README.md"), "utf8")).toBe(card); // from the job's folder alone, the same
    const meta = loadYaml(/^---\n([\s\S]*?)\n---\n/.exec(card)![1]!) as Record<string, any>;
    expect(meta).toMatchObject({ language: "en", library_name: "spacy", pipeline_tag: "text-classification" });
    expect(meta.tags).toContain("argilla");
    const metrics = Object.fromEntries(meta["model-index"][0].results[0].metrics.map((m: { type: string; value: number }) => [m.type, m.value]));
    expect(metrics).toEqual(classifier.result.metrics);
    expect(meta.dataset_name).toMatch(/^sentiment-reviews-/);

    const pins = JSON.parse(fs.readFileSync(path.join(jobDir, "pins.json"), "utf8"));
    expect(card).toContain(`(id ${datasetId}, `);
    expect(card).toContain(pins.dataset.contentHash);
    expect(card).toContain(`- **Annotators:** ${pins.dataset.annotators}`);
    expect(card).toContain("| `sentiment` | majority |");
    expect(card).toContain('"label": "sentiment"');
    expect(card).toContain(`${pins.prepared.train} for training, ${pins.prepared.test} for the test split`);
    expect(card).toContain('"max_steps": 60');
    expect(card).toMatch(/- spacy: \d/);
    expect(card).toContain("studio train --dataset");
    expect(card).toContain(`npx studio predict ${classifier.row.id}`);
    expect(card).not.toContain(path.resolve(".studio-test"));
    await expect(trainedModel(studio.db, classifier.row.id)).resolves.toMatchObject({ framework: "spacy", task: "text_classification" });
  });
});
