/**
 * The tiny models of the end-to-end training tests (trainer/tests/tiny_models.py: a BPE tokenizer trained
 * on the shipped samples and a 2-layer Llama on it), built once with the test environment's python into
 * `.studio-test/tiny-models/<hash>`, the hash over the builder and the samples it learns from. Test files
 * running in parallel may both build: each builds into its own folder and the first rename wins.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { defaultTrainerDir, hashFiles } from "../../server/training-env/requirements";

export interface TinyModels {
  /** The tokenizer folder (ChatML chat template). */
  tokenizer: string;
  /** LlamaForCausalLM with the tokenizer, for SFT, reward modeling, DPO and PPO. */
  llama: string;
}

const CACHE = path.resolve(".studio-test", "tiny-models");

function builderHash(trainerDir: string): string {
  const samples = path.resolve(trainerDir, "..", "samples");
  const data = fs
    .readdirSync(samples)
    .map((name) => path.join(samples, name, "data", "train.jsonl"))
    .filter((file) => fs.existsSync(file))
    .sort();
  return hashFiles([path.join(trainerDir, "tests", "tiny_models.py"), path.join(trainerDir, "tests", "samples.py"), ...data]).slice(0, 16);
}

/** The tiny models under `cache` (default `.studio-test/tiny-models`), built there by `python` when missing. */
export async function tinyModels(python: string, cache = CACHE): Promise<TinyModels> {
  const trainerDir = defaultTrainerDir();
  const folder = path.join(cache, builderHash(trainerDir));
  const models = { tokenizer: path.join(folder, "tokenizer"), llama: path.join(folder, "llama") };
  if (fs.existsSync(path.join(models.llama, "model.safetensors"))) return models;

  await fs.promises.mkdir(cache, { recursive: true });
  const building = await fs.promises.mkdtemp(path.join(cache, "building-"));
  try {
    await promisify(execFile)(python, ["-m", "tests.tiny_models", "--out", building], {
      cwd: trainerDir,
      env: { ...process.env, PYTHONPATH: trainerDir, HF_HUB_OFFLINE: "1", TOKENIZERS_PARALLELISM: "false" },
    });
    await fs.promises.rename(building, folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error; // another file's build won
    });
  } finally {
    await fs.promises.rm(building, { recursive: true, force: true });
  }
  return models;
}
