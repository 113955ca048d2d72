/**
 * A push of a finished training job's model (and, when asked, its prepared rows as a dataset repo) to a
 * Hugging Face Hub (HF_ENDPOINT). The studio renders the cards with the repo filled in and writes
 * push.json in the push job's own folder; `python -m studio_trainer.push` (huggingface_hub, in the
 * training environment) does the Hub's protocol, spaCy's packaging, retries and the byte progress.
 * The token goes only into that child's environment, from the secret store: never into push.json, the
 * log, the events or the result.
 *
 * A push whose worker died runs again (the Hub keeps what it received, and the client sends only what is
 * missing). A push that failed on its own (a refused token, a foreign owner, a refused name, the network
 * gone after the client's own retries) is a person's to fix: they push again.
 */
import fs from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import { env } from "../../env";
import { readHuggingFaceToken } from "../../hub/token";
import { hubDatasetCard, hubModelCard, hubRepoId, hubRepoUrl, spacyPackageName } from "../../hub/cards";
import { ensureTrainingEnvironment } from "../../training-env";
import { pythonChildEnvironment } from "../../training-runs/runner-environment";
import { spawnJobChild } from "../job-child";
import { getJob } from "../store";
import { defineJobKind, JobFailure } from "../kind";
import { trainingJobDir, type TrainingResult } from "./training";

const KILL_AFTER_MS = 5_000;

export const hubPushPayloadSchema = z.object({
  /** The training job whose model is pushed. */
  trainingJobId: z.uuid(),
  repo: hubRepoId,
  private: z.boolean().default(false),
  /** Also push the job's prepared rows to this dataset repo. */
  datasetRepo: hubRepoId.nullable().default(null),
  /** Tries of a commit that failed with a transient error after the client's own retries. */
  retries: z.number().int().min(0).max(10).default(3),
});
export type HubPushPayload = z.input<typeof hubPushPayloadSchema>;

export interface PushedRepo {
  repo: string;
  repo_type: "model" | "dataset";
  url: string;
  commit_url: string;
  commit_oid: string;
  files: { path: string; size: number }[];
  bytes: number;
  /** Files the Hub already held with the same content (not sent). */
  unchanged: string[];
}

export interface HubPushResult {
  url: string;
  model: PushedRepo;
  dataset: PushedRepo | null;
}

const pushEvent = z.discriminatedUnion("event", [
  z.object({ event: z.literal("started") }).loose(),
  z.object({ event: z.literal("phase"), phase: z.string() }).loose(),
  z.object({ event: z.literal("progress"), done: z.number(), total: z.number(), unit: z.string() }).loose(),
  z.object({ event: z.literal("done"), pushes: z.array(z.custom<PushedRepo>()) }).loose(),
  z.object({ event: z.literal("error"), code: z.string(), message: z.string(), traceback: z.string().nullable() }).loose(),
]);
type PushEvent = z.infer<typeof pushEvent>;

export const hubPushJob = defineJobKind({
  name: "hub-push",
  payload: hubPushPayloadSchema,
  retry: { attempts: 2, delaySeconds: 0, retryFailures: false },
  weight: "light",
  async run(payload, { id, db, signal, progress, phase }): Promise<HubPushResult> {
    const training = await getJob(db.pool, payload.trainingJobId);
    const trained = training?.kind === "training" && training.state === "succeeded" ? (training.result as TrainingResult) : null;
    if (!trained?.modelDir || !fs.existsSync(trained.modelDir)) {
      throw new JobFailure(`training job ${payload.trainingJobId} has no trained model to push${training ? ` (it is ${training.state})` : " (no such job)"}`, null);
    }
    const token = await readHuggingFaceToken(db.pool);
    if (!token) throw new JobFailure("No Hugging Face token is set: an admin sets one on the Secrets page.", null);

    const dir = trainingJobDir(id);
    await fs.promises.mkdir(dir, { recursive: true });
    const trainingDir = trainingJobDir(payload.trainingJobId);
    const framework = trained.pins.framework;
    const spacyMeta = framework === "spacy" ? (JSON.parse(await fs.promises.readFile(path.join(trained.modelDir, "meta.json"), "utf8")) as { lang?: string }) : null;
    const packageName = spacyMeta ? spacyPackageName(spacyMeta.lang ?? "xx", payload.repo) : null;
    const modelUrl = hubRepoUrl(env.HF_ENDPOINT, payload.repo, "model");
    await fs.promises.writeFile(path.join(dir, "README.md"), await hubModelCard(trainingDir, modelUrl, packageName));

    const pushes: Record<string, unknown>[] = [
      {
        repo: payload.repo,
        repo_type: "model",
        private: payload.private,
        folder: trained.modelDir,
        card: "README.md",
        layout: packageName ? "spacy" : "folder",
        package_name: packageName,
        work_dir: "spacy-package",
        message: `Push training job ${payload.trainingJobId} from Feedback Studio`,
      },
    ];
    if (payload.datasetRepo) {
      const prepared = path.join(trainingDir, "prepared");
      await fs.promises.writeFile(path.join(dir, "dataset-README.md"), hubDatasetCard(trainingDir, prepared, modelUrl));
      pushes.push({ repo: payload.datasetRepo, repo_type: "dataset", private: payload.private, folder: prepared, card: "dataset-README.md", layout: "folder", message: `Prepared rows of training job ${payload.trainingJobId}` });
    }
    const specFile = path.join(dir, "push.json");
    await fs.promises.writeFile(specFile, JSON.stringify({ retries: payload.retries, pushes }, null, 2) + "\n");

    await phase("preparing the Python environment");
    const environment = await ensureTrainingEnvironment({ home: env.STUDIO_HOME, signal });
    const done = await runPush(environment.python, { specFile, dir, token, signal, progress, phase });
    const model = done.pushes.find((push) => push.repo_type === "model")!;
    return { url: model.url, model, dataset: done.pushes.find((push) => push.repo_type === "dataset") ?? null };
  },
});

/** Spawns the push (the job, and bench/hub-push.ts); its events drive the job, its stderr is log.txt. Resolves with `done`, throws the `error` event's message. */
export async function runPush(
  python: string,
  run: { specFile: string; dir: string; token: string; signal: AbortSignal; progress: (p: { done: number; total: number; unit: string }) => void; phase: (phase: string) => Promise<void> },
): Promise<Extract<PushEvent, { event: "done" }>> {
  // The allow-list (no studio secret, database URL or credential-named variable), then the one token.
  const { child, log, events, exited, close } = spawnJobChild(python, ["-m", "studio_trainer.push", "--job", run.specFile], {
    dir: run.dir,
    env: pythonChildEnvironment({
      HF_HUB_OFFLINE: "0",
      HF_ENDPOINT: env.HF_ENDPOINT,
      ...(env.HF_HUB_DISABLE_XET ? { HF_HUB_DISABLE_XET: "1" } : {}),
      HF_TOKEN: run.token,
    }),
    signal: run.signal,
    killAfterMs: KILL_AFTER_MS,
  });

  let done: Extract<PushEvent, { event: "done" }> | undefined;
  let failure: Extract<PushEvent, { event: "error" }> | undefined;
  try {
    for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const parsed = pushEvent.safeParse((() => { try { return JSON.parse(line); } catch { return null; } })());
      if (!parsed.success) {
        log.write(`[studio] not a push event: ${line.slice(0, 200)}\n`);
        continue;
      }
      const event = parsed.data;
      events.write(line + "\n");
      if (event.event === "progress") run.progress({ done: event.done, total: event.total, unit: event.unit });
      else if (event.event === "phase") void run.phase(event.phase).catch(() => {});
      else if (event.event === "done") done = event;
      else if (event.event === "error") failure = event;
    }
    const code = await exited;
    if (run.signal.aborted) throw new Error("the push was cancelled");
    if (failure) throw new JobFailure(failure.message, failure.traceback);
    if (code !== 0 || !done) throw new Error(`the push exited with status ${code} without finishing (see log.txt)`);
    return done;
  } finally {
    await close();
  }
}
