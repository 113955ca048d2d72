/**
 * Predictions from trained models, answered by warm Python processes (`python -m studio_trainer
 * predict`, trainer/studio_trainer/predict.py: one JSON request per stdin line, one answer per stdout
 * line, the model loaded once).
 *
 * A pool keeps one process per model folder, alive STUDIO_PREDICT_IDLE_SECONDS after its last use and
 * at most `maxProcesses` at once (the least recently used is stopped for a new one). Requests to one
 * process go one at a time, each with a time limit; a process that overran it is killed, and one that
 * crashed is started again on the next call. Input is untrusted: its size is capped and it must match
 * the task's schema (a text; {question, context}; {sentence1, sentence2}; a prompt with max_new_tokens
 * capped; a text to score). Errors name the field and never quote a server path.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { z } from "zod";
import type { Database } from "../db/client";
import { env } from "../env";
import type { TrainingResult, trainingPayloadSchema } from "../jobs/kinds/training";
import { getJob } from "../jobs/store";
import { ensureTrainingEnvironment } from "../training-env";
import { pythonChildEnvironment } from "./runner-environment";
import { scrubPaths } from "./model-card";

export const PREDICT_LIMITS = {
  /** One text (a prompt, a context, a sentence). */
  textChars: 20_000,
  /** The whole request, as JSON. */
  requestChars: 64 * 1024,
  /** Tokens a generator may add: each costs a forward pass. */
  maxNewTokens: 256,
  messages: 64,
  /** Requests waiting for one process; more are refused rather than queued without end. */
  queued: 32,
};

/**
 * torch's threads per predict process, unless OMP_NUM_THREADS says otherwise: half the cores. One short
 * request gains little from more, and they spin-wait against training and other requests: on 2 busy
 * cores a SetFit prediction took 80–92 ms (p50) with 2 threads and 17–25 ms with 1.
 */
const PREDICT_THREADS = Math.max(1, Math.floor(os.availableParallelism() / 2));

const TASK_ALIASES: Record<string, string> = { sft: "supervised_fine_tuning", dpo: "direct_preference_optimization", ppo: "proximal_policy_optimization" };
const GENERATION_TASKS = new Set(["supervised_fine_tuning", "chat_completion", "direct_preference_optimization", "proximal_policy_optimization"]);

/** Input that is refused before any model sees it (tRPC: BAD_REQUEST). */
export class PredictInputError extends Error {
  name = "PredictInputError";
}
/** No such training job, or one without a model to predict with (tRPC: NOT_FOUND / PRECONDITION_FAILED). */
export class PredictJobError extends Error {
  name = "PredictJobError";
  constructor(
    message: string,
    readonly reason: "not_found" | "not_ready",
  ) {
    super(message);
  }
}
/** The model's process failed, timed out or refused the request. */
export class PredictError extends Error {
  name = "PredictError";
}

const text = z.string().min(1, "must not be empty").max(PREDICT_LIMITS.textChars, `longer than ${PREDICT_LIMITS.textChars.toLocaleString("en")} characters`);
const message = z.object({ role: z.enum(["system", "user", "assistant"]), content: text }).strict();

const generationInput = z
  .object({
    prompt: text.optional(),
    messages: z.array(message).min(1).max(PREDICT_LIMITS.messages).optional(),
    max_new_tokens: z.number().int().min(1).max(PREDICT_LIMITS.maxNewTokens).default(64),
    temperature: z.number().min(0).max(2).default(0),
  })
  .strict()
  .refine((input) => (input.prompt === undefined) !== (input.messages === undefined), { message: "give `prompt` or `messages`, one of them", path: ["prompt"] });

/** The input each task takes (what tRPC and `studio predict` accept). */
export const predictInputSchemas = {
  text_classification: z.object({ text }).strict(),
  question_answering: z.object({ question: text, context: text }).strict(),
  sentence_similarity: z.object({ sentence1: text, sentence2: text }).strict(),
  reward_modeling: z.object({ text }).strict(),
  generation: generationInput,
};

export type PredictInput =
  | { task: "text_classification"; input: z.infer<typeof predictInputSchemas.text_classification> }
  | { task: "question_answering"; input: z.infer<typeof predictInputSchemas.question_answering> }
  | { task: "sentence_similarity"; input: z.infer<typeof predictInputSchemas.sentence_similarity> }
  | { task: "reward_modeling"; input: z.infer<typeof predictInputSchemas.reward_modeling> }
  | { task: "generation"; input: z.infer<typeof predictInputSchemas.generation> };

export type Prediction =
  | { labels: { label: string; score: number }[] }
  | { answer: string; score: number; start: number; end: number }
  /** Cosine similarity (bi-encoder), a score or class probabilities (cross-encoder), a reward. */
  | { score: number | number[] }
  | { text: string };

function schemaKey(task: string): keyof typeof predictInputSchemas {
  const name = TASK_ALIASES[task] ?? task;
  if (GENERATION_TASKS.has(name)) return "generation";
  if (name in predictInputSchemas) return name as keyof typeof predictInputSchemas;
  throw new PredictInputError(`no predictions for task ${name}`);
}

/**
 * Checks untrusted input against the task's schema. A string is the task's one text (a text to
 * classify or score, a prompt); pairs and questions take an object.
 */
export function parsePredictInput(task: string, input: unknown): PredictInput {
  const key = schemaKey(task);
  if (typeof input === "string") {
    if (key === "question_answering") throw new PredictInputError('input: this model answers a question from a context: give {"question": …, "context": …}');
    if (key === "sentence_similarity") throw new PredictInputError('input: this model scores a pair: give {"sentence1": …, "sentence2": …}');
    input = key === "generation" ? { prompt: input } : { text: input };
  }
  let size: number;
  try {
    size = JSON.stringify(input)?.length ?? 0;
  } catch {
    throw new PredictInputError("input: not JSON");
  }
  if (size > PREDICT_LIMITS.requestChars) throw new PredictInputError(`input: larger than ${PREDICT_LIMITS.requestChars / 1024} KiB`);
  const parsed = predictInputSchemas[key].safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ["input", ...issue.path.map(String)].join(".");
    const keys = issue.code === "unrecognized_keys" ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `\`${k}\``).join(", ")}` : issue.message;
    throw new PredictInputError(`${field}: ${keys}`);
  }
  return { task: key, input: parsed.data } as PredictInput;
}

/** The request line predict.py reads, and how its answer becomes a Prediction. */
function toWire(request: PredictInput): { body: Record<string, unknown>; answer: (raw: Record<string, unknown>) => Prediction } {
  switch (request.task) {
    case "sentence_similarity":
      return { body: { pairs: [[request.input.sentence1, request.input.sentence2]] }, answer: (raw) => ({ score: (raw.scores as number[])[0]! }) };
    case "reward_modeling":
      return { body: { text: request.input.text }, answer: (raw) => ({ score: (raw.scores as number[])[0]! }) };
    default:
      return { body: request.input, answer: (raw) => raw as Prediction };
  }
}

export interface PredictorSpec {
  modelDir: string;
  framework: string;
  task: string;
}

export interface PredictPoolOptions {
  /** The Python to run (default: the training environment, made on first need). */
  python?: () => Promise<string>;
  /** Processes alive at once. */
  maxProcesses?: number;
  /** A process unused this long is stopped (default STUDIO_PREDICT_IDLE_SECONDS). */
  idleSeconds?: number;
  /** One request's limit once sent; a process that overruns it is killed. */
  requestTimeoutMs?: number;
  /** Loading the model (importing torch and the framework, reading the weights). */
  loadTimeoutMs?: number;
}

/** Messages from Python may name the model folder or other files: never pass a server path on. */
function publicMessage(message: string, modelDir: string): string {
  return scrubPaths(message.split(modelDir).join("<model>"));
}

/** One warm `python -m studio_trainer predict` process. */
class WarmPredictor {
  readonly child: ChildProcessWithoutNullStreams;
  lastUsed = Date.now();
  idleTimer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private nextId = 1;
  private answers = new Map<number, (answer: Record<string, unknown>) => void>();
  private stderrTail = "";
  /** Resolves when the model is loaded; rejects if it cannot be. */
  readonly ready: Promise<void>;
  exited = false;
  private onExit: ((reason: string) => void)[] = [];

  constructor(python: string, readonly spec: PredictorSpec, loadTimeoutMs: number) {
    this.child = spawn(python, ["-m", "studio_trainer", "predict", "--model-dir", spec.modelDir, "--framework", spec.framework, "--task", spec.task], {
      cwd: spec.modelDir,
      // No secrets: the model is a local folder (a PEFT adapter's base was cached when it trained), so no network either.
      env: pythonChildEnvironment({
        HF_HUB_OFFLINE: "1",
        TRL_EXPERIMENTAL_SILENCE: "1",
        TOKENIZERS_PARALLELISM: "false",
        OMP_NUM_THREADS: process.env.OMP_NUM_THREADS || String(PREDICT_THREADS),
      }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-4000)));
    this.child.stdin.on("error", () => {}); // a crashed process: its exit says so
    const lines = readline.createInterface({ input: this.child.stdout });
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new PredictError(`the model took longer than ${Math.round(loadTimeoutMs / 1000)} s to load`));
        this.kill();
      }, loadTimeoutMs);
      let loaded = false;
      lines.on("line", (line) => {
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return; // predict.py writes only JSON on stdout; anything else is not an answer
        }
        if (!loaded) {
          loaded = true;
          clearTimeout(timer);
          if (message.ready === true) resolve();
          else reject(new PredictError(`the model could not be loaded: ${publicMessage(String(message.error ?? "unknown error"), spec.modelDir)}`));
          return;
        }
        const answer = this.answers.get(message.id as number);
        this.answers.delete(message.id as number);
        answer?.(message);
      });
      this.child.once("error", (error) => {
        clearTimeout(timer);
        reject(new PredictError(`the predict process could not start: ${publicMessage(error.message, spec.modelDir)}`));
      });
      this.child.once("exit", (code, signal) => {
        this.exited = true;
        clearTimeout(timer);
        const reason = `the predict process stopped (${signal ?? `exit status ${code}`})`;
        if (!loaded) reject(new PredictError(`${reason} while loading the model: ${publicMessage(this.stderrTail.trim().split("\n").slice(-1)[0] ?? "", spec.modelDir)}`));
        for (const listener of this.onExit) listener(reason);
      });
    });
    this.ready.catch(() => {});
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Queues one request behind the others; resolves with the raw answer line. */
  request(body: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    if (this.waiting >= PREDICT_LIMITS.queued) return Promise.reject(new PredictError(`this model has ${PREDICT_LIMITS.queued} predictions waiting; try again shortly`));
    this.waiting++;
    const run = this.chain.then(async () => {
      try {
        return await this.send(body, timeoutMs);
      } finally {
        this.waiting--; // before the caller resumes, so it sees the process idle
      }
    });
    this.chain = run.catch(() => {});
    return run;
  }

  private async send(body: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    await this.ready;
    if (this.exited) throw new PredictError("the predict process stopped");
    const id = this.nextId++;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.answers.delete(id);
        reject(new PredictError(`the prediction took longer than ${timeoutMs / 1000} s; the model's process was stopped`));
        this.kill();
      }, timeoutMs);
      const exited = (reason: string) => {
        clearTimeout(timer);
        reject(new PredictError(reason));
      };
      this.onExit.push(exited);
      this.answers.set(id, (answer) => {
        clearTimeout(timer);
        this.onExit = this.onExit.filter((listener) => listener !== exited);
        resolve(answer);
      });
      this.child.stdin.write(JSON.stringify({ ...body, id }) + "\n");
    });
  }

  /** Whether no request runs or waits. */
  get idle(): boolean {
    return this.waiting === 0;
  }

  /** Ends stdin once the queued requests are answered: predict.py exits at EOF; SIGKILL if it lingers. */
  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.chain;
    if (this.exited) return;
    this.child.stdin.end();
    const killer = setTimeout(() => this.kill(), 5000);
    killer.unref();
    await new Promise<void>((resolve) => (this.exited ? resolve() : this.child.once("exit", () => resolve())));
    clearTimeout(killer);
  }

  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }
}

/** Warm predict processes, one per model folder, kept a while after their last use. */
export class PredictPool {
  private readonly processes = new Map<string, WarmPredictor>();
  private readonly python: () => Promise<string>;
  private readonly maxProcesses: number;
  private readonly idleMs: number;
  private readonly requestTimeoutMs: number;
  private readonly loadTimeoutMs: number;

  constructor(options: PredictPoolOptions = {}) {
    this.python = options.python ?? (async () => (await ensureTrainingEnvironment({ home: env.STUDIO_HOME })).python);
    this.maxProcesses = options.maxProcesses ?? 3;
    this.idleMs = (options.idleSeconds ?? env.STUDIO_PREDICT_IDLE_SECONDS) * 1000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
    this.loadTimeoutMs = options.loadTimeoutMs ?? 300_000;
  }

  /** Validates the input for the spec's task and answers it from the model's warm process. */
  async predict(spec: PredictorSpec, input: unknown): Promise<Prediction> {
    const wire = toWire(parsePredictInput(spec.task, input));
    const predictor = await this.predictor(spec);
    clearTimeout(predictor.idleTimer);
    predictor.lastUsed = Date.now();
    let raw: Record<string, unknown>;
    try {
      raw = await predictor.request(wire.body, this.requestTimeoutMs);
    } finally {
      predictor.lastUsed = Date.now();
      if (predictor.exited) this.forget(predictor);
      else if (predictor.idle) this.scheduleIdleStop(predictor);
    }
    if (typeof raw.error === "string") throw new PredictError(publicMessage(raw.error, spec.modelDir));
    const { id: _id, ...answer } = raw;
    return wire.answer(answer);
  }

  /** The live processes (model folder and pid), most recently used last. */
  live(): { modelDir: string; pid: number }[] {
    return [...this.processes.values()].filter((p) => !p.exited).map((p) => ({ modelDir: p.spec.modelDir, pid: p.pid }));
  }

  /** Stops every process. */
  async close(): Promise<void> {
    const all = [...this.processes.values()];
    this.processes.clear();
    await Promise.all(all.map((p) => p.stop()));
  }

  private async predictor(spec: PredictorSpec): Promise<WarmPredictor> {
    const python = await this.python(); // first: from here on nothing awaits, so two calls never start two processes
    const key = [spec.modelDir, spec.framework, spec.task].join("\0");
    const known = this.processes.get(key);
    if (known && !known.exited) {
      // Most recently used last: Map keeps insertion order.
      this.processes.delete(key);
      this.processes.set(key, known);
      return known;
    }
    if (known) this.processes.delete(key);
    while (this.processes.size >= this.maxProcesses) {
      const [oldestKey, oldest] = this.processes.entries().next().value!;
      this.processes.delete(oldestKey);
      void oldest.stop();
    }
    const predictor = new WarmPredictor(python, spec, this.loadTimeoutMs);
    this.processes.set(key, predictor);
    predictor.child.once("exit", () => this.forget(predictor));
    return predictor;
  }

  private forget(predictor: WarmPredictor): void {
    clearTimeout(predictor.idleTimer);
    for (const [key, value] of this.processes) if (value === predictor) this.processes.delete(key);
  }

  private scheduleIdleStop(predictor: WarmPredictor): void {
    clearTimeout(predictor.idleTimer);
    predictor.idleTimer = setTimeout(() => {
      if (!predictor.idle) return;
      this.forget(predictor);
      void predictor.stop();
    }, this.idleMs);
    predictor.idleTimer.unref(); // a warm model never keeps a CLI process alive
  }
}

const POOL_KEY = Symbol.for("feedback-studio.predict-pool");

/** The server's pool (one per process; kept across hot reloads in development). */
export function serverPredictPool(): PredictPool {
  const holder = globalThis as { [POOL_KEY]?: PredictPool };
  return (holder[POOL_KEY] ??= new PredictPool());
}

/** The model folder, framework and task of a succeeded training job. */
export async function trainedModel(db: Pick<Database, "pool">, jobId: string): Promise<PredictorSpec> {
  const job = await getJob(db.pool, jobId);
  if (!job || job.kind !== "training") throw new PredictJobError(`no training job ${jobId}`, "not_found");
  if (job.state !== "succeeded") throw new PredictJobError(`training job ${jobId} has not succeeded (it is ${job.state})`, "not_ready");
  const payload = job.payload as z.output<typeof trainingPayloadSchema>;
  const result = job.result as TrainingResult | null;
  if (!result?.modelDir) throw new PredictJobError(`training job ${jobId} saved no model`, "not_ready");
  if (!fs.existsSync(result.modelDir)) throw new PredictJobError(`the model of training job ${jobId} is no longer in the studio's folder`, "not_ready");
  return { modelDir: result.modelDir, framework: payload.framework, task: payload.task.task };
}

/**
 * Answers `input` with the model of a succeeded training job: what the tRPC `predict` procedure and
 * `studio predict` call. A string input is the task's one text (see parsePredictInput).
 */
export async function predictWithJob(db: Pick<Database, "pool">, jobId: string, input: unknown, pool: PredictPool = serverPredictPool()): Promise<Prediction> {
  const spec = await trainedModel(db, jobId);
  parsePredictInput(spec.task, input); // refused before a process is started for it
  return pool.predict(spec, input);
}
