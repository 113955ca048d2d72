/**
 * The CLI against a remote studio. With STUDIO_URL set (and STUDIO_TOKEN, a personal API token from
 * that studio's API tokens page), the commands that make sense remotely call the studio's tRPC over
 * HTTP with `Authorization: Bearer`, as its owner with their role: datasets, jobs, job, cancel,
 * resume, train (queued there; --wait follows it), predict, and import of a .zip or a folder through
 * the upload route. Their output and --json are the local commands'. Commands that need the local
 * database or files (prepare, records, worker, env) refuse, naming STUDIO_URL. Without STUDIO_URL
 * the CLI works on the local database as before.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Command } from "./context";
import { describe as describeJob, jobIdArgument } from "./jobs";
import { describe as describePrediction, predictArgument } from "./predict";
import { refusalOfFlags, trainingRequestFromFlags } from "./train";

export class RemoteError extends Error {
  constructor(
    message: string,
    /** tRPC's code (BAD_REQUEST, UNAUTHORIZED, …) or HTTP_<status>. */
    readonly code: string,
  ) {
    super(message);
    this.name = "RemoteError";
  }
}

export class RemoteStudio {
  readonly url: string;
  constructor(url: string, private readonly token: string) {
    this.url = url.replace(/\/+$/, "");
  }

  query<T = any>(procedure: string, input?: unknown): Promise<T> {
    const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.trpc(`${procedure}${query}`, { method: "GET" });
  }

  mutation<T = any>(procedure: string, input: unknown): Promise<T> {
    return this.trpc(procedure, { method: "POST", body: JSON.stringify(input), headers: { "content-type": "application/json" } });
  }

  /** Sends one file of an upload to PUT /api/uploads/<id>/<path>, streamed from disk. */
  async upload(uploadId: string, relativePath: string, file: string): Promise<void> {
    const target = `${this.url}/api/uploads/${uploadId}/${relativePath.split("/").map(encodeURIComponent).join("/")}`;
    const size = (await fs.promises.stat(file)).size;
    const response = await this.fetch(target, {
      method: "PUT",
      body: fs.createReadStream(file) as unknown as BodyInit,
      headers: { "content-length": String(size), "content-type": "application/octet-stream" },
      duplex: "half",
    } as RequestInit);
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: string } | null;
      throw new RemoteError(`uploading ${relativePath}: ${body?.error ?? response.statusText}`, `HTTP_${response.status}`);
    }
  }

  private async trpc<T>(pathAndQuery: string, init: RequestInit): Promise<T> {
    const response = await this.fetch(`${this.url}/api/trpc/${pathAndQuery}`, init);
    const body = (await response.json().catch(() => null)) as { result?: { data: T }; error?: { message: string; data?: { code?: string } } } | null;
    if (body?.error) throw new RemoteError(body.error.message, body.error.data?.code ?? `HTTP_${response.status}`);
    if (!response.ok || !body?.result) throw new RemoteError(`${this.url} answered ${response.status} ${response.statusText}`, `HTTP_${response.status}`);
    return body.result.data;
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.token}` } });
    } catch (error) {
      throw new RemoteError(`cannot reach ${this.url} (STUDIO_URL): ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`, "UNREACHABLE");
    }
  }
}

/** The remote studio STUDIO_URL names, or null for the local one. */
export async function remoteStudio(): Promise<RemoteStudio | null> {
  const { env } = await import("../server/env");
  if (!env.STUDIO_URL) return null;
  if (!env.STUDIO_TOKEN) throw new Error("STUDIO_URL is set but STUDIO_TOKEN is not: create an API token on that studio's API tokens page");
  return new RemoteStudio(env.STUDIO_URL, env.STUDIO_TOKEN);
}

/** A command that reads this machine's database or files. */
export function localOnly(name: string, usage: string): Command {
  return {
    usage,
    async run() {
      throw new Error(`studio ${name} works on a local studio only; unset STUDIO_URL to use this machine's`);
    },
  };
}

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
const POLL_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every file under `dir` as [path relative to it with /, absolute path]. */
function filesUnder(dir: string, prefix = ""): [string, string][] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry): [string, string][] => {
    const file = path.join(dir, entry.name);
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return filesUnder(file, relative);
    return entry.isFile() ? [[relative, file]] : [];
  });
}

/** The local commands' names and usage, each calling `remote`. */
export function remoteCommands(remote: RemoteStudio, usage: Record<string, string>): Record<string, Command> {
  return {
    datasets: {
      usage: usage.datasets!,
      async run(_args, ctx) {
        const datasets = await remote.query<{ name: string; recordCount: number; annotatorCount: number; questionCount: number; importedAt: string }[]>("datasets.list");
        if (!ctx.json) {
          if (datasets.length === 0) ctx.out(`No datasets yet on ${remote.url}`);
          for (const d of datasets) ctx.out(`${d.name}\t${d.recordCount} records\t${d.annotatorCount} annotators\t${d.questionCount} questions\timported ${d.importedAt}`);
        }
        return { datasets };
      },
    },
    import: {
      usage: usage.import!,
      async run(args, ctx) {
        const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: "string" }, json: { type: "boolean" } } });
        if (positionals.length !== 1) throw new Error(`usage: ${usage.import}`);
        const source = path.resolve(positionals[0]!);
        const stat = fs.statSync(source, { throwIfNoEntry: false });
        if (!stat) throw new Error(`no file or folder ${source}`);
        const files: [string, string][] = stat.isDirectory() ? filesUnder(source).map(([relative, file]) => [`${path.basename(source)}/${relative}`, file]) : [[path.basename(source), source]];
        const uploadId = crypto.randomUUID();
        for (const [relative, file] of files) await remote.upload(uploadId, relative, file);
        const { importId } = await remote.mutation<{ importId: string }>("datasets.importUpload", { uploadId, ...(values.name ? { name: values.name } : {}) });
        for (;;) {
          const status = await remote.query<{ state: string; error?: string; summary?: { dataset: string; records: number; responses: number; suggestions: number; annotators: number } }>("datasets.importStatus", { importId });
          if (status.state === "failed") throw new Error(status.error ?? "the import failed");
          if (status.state === "done") {
            const summary = status.summary!;
            if (!ctx.json) ctx.out(`Imported "${summary.dataset}" on ${remote.url}: ${summary.records} records, ${summary.responses} responses, ${summary.suggestions} suggestions, ${summary.annotators} annotators`);
            return { dataset: summary.dataset, records: summary.records, responses: summary.responses, suggestions: summary.suggestions };
          }
          await sleep(POLL_MS / 2);
        }
      },
    },
    jobs: {
      usage: usage.jobs!,
      async run(args, ctx) {
        const { values } = parseArgs({ args, options: { state: { type: "string" }, limit: { type: "string", default: "50" }, json: { type: "boolean" } } });
        const jobs = await remote.query<any[]>("jobs.list", { ...(values.state ? { state: values.state } : {}), limit: Number(values.limit) });
        if (!ctx.json) {
          if (jobs.length === 0) ctx.out("No jobs.");
          for (const job of jobs) ctx.out(describeJob(job));
        }
        return { jobs };
      },
    },
    job: {
      usage: usage.job!,
      async run(args, ctx) {
        const id = jobIdArgument(args, usage.job!);
        const job = await remote.query("jobs.get", { id });
        let training = null;
        if (job.kind === "training") {
          const [run, log] = await Promise.all([remote.query("trainingRuns.get", { id, limit: 1 }), remote.query<{ lines: string[] }>("trainingRuns.log", { id, lines: 20 })]);
          training = { metrics: run.metrics.at(-1)?.values ?? run.result?.metrics ?? {}, modelDir: run.result?.modelDir ?? null, logTail: log.lines };
        }
        if (!ctx.json) {
          ctx.out(describeJob(job));
          if (job.error) ctx.out(`error: ${job.error}`);
          if (training) {
            ctx.out(`metrics: ${JSON.stringify(training.metrics)}\nmodel (on ${remote.url}): ${training.modelDir ?? "none yet"}`);
            if (training.logTail.length) ctx.out(`log (last ${training.logTail.length} lines):\n${training.logTail.join("\n")}`);
          } else if (job.result != null) ctx.out(`result: ${JSON.stringify(job.result)}`);
        }
        return { job, ...(training ?? {}) };
      },
    },
    cancel: {
      usage: usage.cancel!,
      async run(args, ctx) {
        const job = await remote.mutation("jobs.cancel", { id: jobIdArgument(args, usage.cancel!) });
        if (!ctx.json) ctx.out(job.state === "cancelled" ? `Cancelled ${job.id}` : job.cancelRequested ? `Asked ${job.id} to stop: its worker stops it within seconds` : `${job.id} is already ${job.state}`);
        return { job: job.id, state: job.state, cancelRequested: job.cancelRequested };
      },
    },
    resume: {
      usage: usage.resume!,
      async run(args, ctx) {
        const job = await remote.mutation("trainingRuns.resume", { id: jobIdArgument(args, usage.resume!) });
        if (!ctx.json) ctx.out(`Queued ${job.id} again on ${remote.url} (attempt ${job.attempts + 1} of ${job.maxAttempts})`);
        return { job: job.id, state: job.state, attempts: job.attempts, maxAttempts: job.maxAttempts };
      },
    },
    train: {
      usage: usage.train!,
      async run(args, ctx) {
        const { request, wait } = trainingRequestFromFlags(args);
        let started: { id: string };
        try {
          started = await remote.mutation("trainingRuns.start", request);
        } catch (error) {
          const refusal = error instanceof RemoteError && error.code === "BAD_REQUEST" ? /^([\w.]+): (.*)$/s.exec(error.message) : null;
          throw refusal ? refusalOfFlags(refusal[1]!, refusal[2]!) : error;
        }
        if (!wait) {
          if (!ctx.json) ctx.out(`Queued training job ${started.id} on ${remote.url}: \`studio job ${started.id}\` shows it`);
          return { job: started.id, status: "queued" };
        }
        let shown = "";
        for (;;) {
          const run = await remote.query("trainingRuns.get", { id: started.id, limit: 1 });
          const line = `${run.state}${run.phase ? `: ${run.phase}` : ""}${run.progress ? ` ${run.progress.done}/${run.progress.total ?? "?"} ${run.progress.unit}` : ""}`;
          if (line !== shown) process.stderr.write(`${(shown = line)}\n`);
          if (TERMINAL.has(run.state)) {
            if (!ctx.json) {
              ctx.out(`${run.id}: ${run.state}${run.error ? `: ${run.error}` : ""}`);
              if (run.result) ctx.out(`metrics: ${JSON.stringify(run.result.metrics)}\nmodel (on ${remote.url}): ${run.result.modelDir}`);
            }
            if (run.state !== "succeeded") process.exitCode = 1;
            return { job: run.id, status: run.state, metrics: run.result?.metrics ?? {}, model_dir: run.result?.modelDir ?? null, ...(run.error ? { error: run.error } : {}) };
          }
          await sleep(POLL_MS);
        }
      },
    },
    predict: {
      usage: usage.predict!,
      async run(args, ctx) {
        const { positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" } } });
        if (positionals.length !== 2) throw new Error(`usage: ${usage.predict}`);
        const prediction = await remote.mutation("trainingRuns.predict", { id: positionals[0], input: predictArgument(positionals[1]!) });
        if (!ctx.json) for (const line of describePrediction(prediction)) ctx.out(line);
        return prediction;
      },
    },
  };
}
