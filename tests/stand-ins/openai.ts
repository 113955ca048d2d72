/**
 * An OpenAI-compatible provider on loopback, speaking the HTTP protocol the `openai` v6 client
 * calls: multipart POST /v1/files (+ GET /v1/files/{id}), POST/GET /v1/fine_tuning/jobs, GET
 * /v1/fine_tuning/jobs/{id}, …/events (newest first, `after` and `limit`, `has_more`),
 * …/checkpoints, POST …/cancel, and POST /v1/chat/completions. Every request needs
 * `Authorization: Bearer <apiKey>` (else 401, as OpenAI answers). A job goes validating_files →
 * queued → running (one step a tick, a metrics event each, a checkpoint each epoch) → succeeded
 * with a fine-tuned model id that chat completions then accept.
 *
 * Knobs: `refuseFiles` (a reason: uploads answer 400 with it), `failAtStep` (the job fails there),
 * `tickMs` and `stepsPerEpoch` (slow progress), `failNextRequests` (answer 500 to the next N
 * requests: transient errors). It keeps what it received (files, job requests, cancels, the
 * Authorization headers) for the tests to compare.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInKnobs {
  refuseFiles?: string | null;
  failAtStep?: number | null;
  tickMs?: number;
  stepsPerEpoch?: number;
  failNextRequests?: number;
}

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  bytes: number;
  content: string;
  created_at: number;
}

interface StandInEvent {
  id: string;
  object: "fine_tuning.job.event";
  created_at: number;
  level: "info" | "warn" | "error";
  message: string;
  type: "message" | "metrics";
  data: Record<string, unknown> | null;
}

interface StandInJob {
  id: string;
  object: "fine_tuning.job";
  created_at: number;
  finished_at: number | null;
  model: string;
  fine_tuned_model: string | null;
  organization_id: string;
  status: "validating_files" | "queued" | "running" | "succeeded" | "failed" | "cancelled";
  error: { code: string; message: string; param: string | null } | null;
  hyperparameters: { n_epochs: number | "auto"; batch_size: number | "auto"; learning_rate_multiplier: number | "auto" };
  method: unknown;
  result_files: string[];
  seed: number;
  trained_tokens: number | null;
  training_file: string;
  validation_file: string | null;
  estimated_finish: number | null;
  integrations: null;
  metadata: Record<string, string> | null;
  suffix: string | null;
  // Kept by the stand-in only (not sent).
  step: number;
  totalSteps: number;
  events: StandInEvent[];
  checkpoints: unknown[];
}

type IncomingWithBody = http.IncomingMessage & { body: Buffer };

const now = () => Math.floor(Date.now() / 1000);
const newId = (prefix: string) => `${prefix}-${crypto.randomBytes(8).toString("hex")}`;

export class OpenAIStandIn {
  readonly files = new Map<string, StoredFile>();
  readonly jobs = new Map<string, StandInJob>();
  /** Job create requests as received (their JSON bodies). */
  readonly jobRequests: unknown[] = [];
  /** Provider job ids a cancel reached. */
  readonly cancelled: string[] = [];
  /** Chat completion requests as received. */
  readonly chats: { model: string; messages: { role: string; content: string }[] }[] = [];
  /** Every Authorization header received (the test checks the key went only here). */
  readonly authorizations = new Set<string>();
  requests = 0;
  private server: http.Server | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly apiKey: string,
    public knobs: StandInKnobs = {},
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v1`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        (request as IncomingWithBody).body = Buffer.concat(chunks);
        this.handle(request as IncomingWithBody)
          .then(([status, body]) => send(response, status, body))
          .catch((error: Error) => send(response, 500, { error: { message: error.message, type: "server_error" } }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.timer = setInterval(() => this.tick(), this.knobs.tickMs ?? 100);
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Advances every live job by one state or one step. */
  private tick(): void {
    for (const job of this.jobs.values()) {
      if (job.status === "validating_files") {
        job.status = "queued";
        this.event(job, "info", `Fine-tuning job ${job.id} queued`);
      } else if (job.status === "queued") {
        job.status = "running";
        this.event(job, "info", "Fine-tuning job started");
      } else if (job.status === "running") {
        job.step++;
        if (this.knobs.failAtStep != null && job.step >= this.knobs.failAtStep) {
          job.status = "failed";
          job.finished_at = now();
          job.error = { code: "training_error", message: `the training diverged at step ${job.step}`, param: null };
          this.event(job, "error", `Fine-tuning job failed: ${job.error.message}`);
          continue;
        }
        const loss = Number((2.5 / (1 + job.step / 3)).toFixed(4));
        const data = { step: job.step, total_steps: job.totalSteps, train_loss: loss, train_mean_token_accuracy: Number((0.4 + job.step / job.totalSteps / 2).toFixed(4)), ...(job.validation_file ? { valid_loss: loss + 0.1 } : {}) };
        this.event(job, "info", `Step ${job.step}/${job.totalSteps}: training loss=${loss}`, "metrics", data);
        const perEpoch = this.knobs.stepsPerEpoch ?? 3;
        if (job.step % perEpoch === 0) {
          job.checkpoints.push({
            id: newId("ftckpt"),
            object: "fine_tuning.job.checkpoint",
            created_at: now(),
            fine_tuned_model_checkpoint: `ft:${job.model}:standin::${job.id.slice(-8)}:ckpt-step-${job.step}`,
            fine_tuning_job_id: job.id,
            step_number: job.step,
            metrics: { step: job.step, train_loss: loss, train_mean_token_accuracy: data.train_mean_token_accuracy, ...(job.validation_file ? { valid_loss: loss + 0.1 } : {}) },
          });
        }
        if (job.step >= job.totalSteps) {
          job.status = "succeeded";
          job.finished_at = now();
          job.fine_tuned_model = `ft:${job.model}:standin:${job.suffix ?? ""}:${job.id.slice(-8)}`;
          job.trained_tokens = job.totalSteps * 1000;
          this.event(job, "info", `New fine-tuned model created: ${job.fine_tuned_model}`);
          this.event(job, "info", "The job has successfully completed");
        }
      }
    }
  }

  private event(job: StandInJob, level: StandInEvent["level"], message: string, type: StandInEvent["type"] = "message", data: Record<string, unknown> | null = null): void {
    job.events.push({ id: newId("ftevent"), object: "fine_tuning.job.event", created_at: now(), level, message, type, data });
  }

  private async handle(request: IncomingWithBody): Promise<[number, unknown]> {
    this.requests++;
    const authorization = request.headers.authorization ?? "";
    this.authorizations.add(authorization);
    if (authorization !== `Bearer ${this.apiKey}`) {
      return [401, { error: { message: "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" } }];
    }
    if ((this.knobs.failNextRequests ?? 0) > 0) {
      this.knobs.failNextRequests!--;
      return [500, { error: { message: "The server had an error while processing your request.", type: "server_error" } }];
    }
    const url = new URL(request.url!, "http://stand-in");
    const parts = url.pathname.replace(/^\/v1\//, "").split("/");
    const route = `${request.method} ${parts.map((part, i) => (i > 0 && /^(file|ftjob)-/.test(part) ? ":id" : part)).join("/")}`;
    const id = parts.find((part, i) => i > 0 && /^(file|ftjob)-/.test(part));
    const json = () => JSON.parse(request.body.toString("utf8") || "{}") as Record<string, unknown>;
    switch (route) {
      case "POST files":
        return this.createFile(request);
      case "GET files/:id":
        return this.files.has(id!) ? [200, this.fileObject(this.files.get(id!)!)] : notFound(`No such File object: ${id}`);
      case "POST fine_tuning/jobs":
        return this.createJob(json());
      case "GET fine_tuning/jobs":
        return [200, page([...this.jobs.values()].reverse().map(jobObject), url)];
      case "GET fine_tuning/jobs/:id":
        return this.jobs.has(id!) ? [200, jobObject(this.jobs.get(id!)!)] : notFound(`No such fine-tuning job: ${id}`);
      case "GET fine_tuning/jobs/:id/events":
        return this.jobs.has(id!) ? [200, page([...this.jobs.get(id!)!.events].reverse(), url)] : notFound(`No such fine-tuning job: ${id}`);
      case "GET fine_tuning/jobs/:id/checkpoints":
        return this.jobs.has(id!) ? [200, page([...this.jobs.get(id!)!.checkpoints].reverse() as { id: string }[], url)] : notFound(`No such fine-tuning job: ${id}`);
      case "POST fine_tuning/jobs/:id/cancel":
        return this.cancel(id!);
      case "POST chat/completions":
        return this.chat(json());
      default:
        return notFound(`Unknown request to ${request.method} ${url.pathname}`);
    }
  }

  private fileObject(file: StoredFile) {
    return { id: file.id, object: "file", bytes: file.bytes, created_at: file.created_at, filename: file.filename, purpose: file.purpose, status: "processed", status_details: null };
  }

  private async createFile(request: IncomingWithBody): Promise<[number, unknown]> {
    const form = await new Request("http://stand-in/", { method: "POST", headers: { "content-type": request.headers["content-type"]! }, body: new Uint8Array(request.body) }).formData();
    const file = form.get("file");
    const purpose = form.get("purpose");
    if (!(file instanceof Blob) || typeof purpose !== "string") return [400, { error: { message: "'file' and 'purpose' are required", type: "invalid_request_error", param: "file", code: null } }];
    if (this.knobs.refuseFiles) return [400, { error: { message: this.knobs.refuseFiles, type: "invalid_request_error", param: "file", code: "invalid_file_format" } }];
    const content = await file.text();
    const stored: StoredFile = { id: newId("file"), filename: (file as File).name, purpose, bytes: Buffer.byteLength(content), content, created_at: now() };
    this.files.set(stored.id, stored);
    return [200, this.fileObject(stored)];
  }

  private createJob(body: Record<string, unknown>): [number, unknown] {
    this.jobRequests.push(body);
    const training = this.files.get(String(body.training_file));
    if (!training) return [400, { error: { message: `invalid training_file: ${String(body.training_file)}`, type: "invalid_request_error", param: "training_file", code: "invalid_training_file" } }];
    if (typeof body.model !== "string" || body.model.length === 0) return [400, { error: { message: "model is required", type: "invalid_request_error", param: "model", code: null } }];
    const method = body.method as { supervised?: { hyperparameters?: Record<string, number | "auto"> } } | undefined;
    const hyper = method?.supervised?.hyperparameters ?? {};
    const examples = training.content.split("\n").filter((line) => line.trim() !== "").length;
    const epochs = typeof hyper.n_epochs === "number" ? hyper.n_epochs : 1;
    const batch = typeof hyper.batch_size === "number" ? hyper.batch_size : examples;
    const perEpoch = this.knobs.stepsPerEpoch ?? Math.max(1, Math.ceil(examples / batch));
    const job: StandInJob = {
      id: newId("ftjob"),
      object: "fine_tuning.job",
      created_at: now(),
      finished_at: null,
      model: body.model,
      fine_tuned_model: null,
      organization_id: "org-standin",
      status: "validating_files",
      error: null,
      hyperparameters: { n_epochs: hyper.n_epochs ?? "auto", batch_size: hyper.batch_size ?? "auto", learning_rate_multiplier: hyper.learning_rate_multiplier ?? "auto" },
      method: body.method ?? null,
      result_files: [],
      seed: typeof body.seed === "number" ? body.seed : 0,
      trained_tokens: null,
      training_file: training.id,
      validation_file: typeof body.validation_file === "string" ? body.validation_file : null,
      estimated_finish: null,
      integrations: null,
      metadata: (body.metadata as Record<string, string>) ?? null,
      suffix: typeof body.suffix === "string" ? body.suffix : null,
      step: 0,
      totalSteps: perEpoch * epochs,
      events: [],
      checkpoints: [],
    };
    this.event(job, "info", `Validating training file: ${training.id}`);
    this.jobs.set(job.id, job);
    return [200, jobObject(job)];
  }

  private cancel(id: string): [number, unknown] {
    const job = this.jobs.get(id);
    if (!job) return notFound(`No such fine-tuning job: ${id}`);
    this.cancelled.push(id);
    if (job.status === "succeeded" || job.status === "failed" || job.status === "cancelled") {
      return [400, { error: { message: `Job has already completed: ${id}`, type: "invalid_request_error", param: null, code: null } }];
    }
    job.status = "cancelled";
    job.finished_at = now();
    this.event(job, "info", "Fine-tuning job cancelled");
    return [200, jobObject(job)];
  }

  private chat(body: Record<string, unknown>): [number, unknown] {
    const model = String(body.model);
    const messages = body.messages as { role: string; content: string }[];
    this.chats.push({ model, messages });
    const known = [...this.jobs.values()].some((job) => job.fine_tuned_model === model);
    if (!known) return notFound(`The model \`${model}\` does not exist or you do not have access to it.`);
    const last = messages.filter((message) => message.role === "user").at(-1)?.content ?? "";
    const content = `(${model}) You said: ${last}`;
    return [
      200,
      {
        id: newId("chatcmpl"),
        object: "chat.completion",
        created: now(),
        model,
        choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: "stop" }],
        usage: { prompt_tokens: Math.ceil(JSON.stringify(messages).length / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: Math.ceil((JSON.stringify(messages).length + content.length) / 4) },
      },
    ];
  }
}

function jobObject(job: StandInJob) {
  const { step: _step, totalSteps: _total, events: _events, checkpoints: _checkpoints, suffix: _suffix, ...visible } = job;
  return visible;
}

/** A cursor page: items after the `after` id, at most `limit` (default 20). */
function page<Item extends { id: string }>(items: Item[], url: URL) {
  const after = url.searchParams.get("after");
  const limit = Number(url.searchParams.get("limit") ?? 20);
  const start = after ? items.findIndex((item) => item.id === after) + 1 : 0;
  const data = items.slice(start, start + limit);
  return { object: "list", data, has_more: start + limit < items.length };
}

function notFound(message: string): [number, unknown] {
  return [404, { error: { message, type: "invalid_request_error", param: null, code: null } }];
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}
