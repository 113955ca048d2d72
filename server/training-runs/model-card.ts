/**
 * The model card: `README.md` in a trained model's folder, the way the Hub renders it (YAML front
 * matter, then Markdown), with Argilla's card fields (language, license, dataset_name, tags, summary,
 * model type, finetuned_from, repo, developers, shared_by) and the job's lineage that no tool writes:
 * the dataset id and content hash, the task JSON, the unification per question, the annotators, the
 * records used and dropped by reason, the config, the library versions, the metrics and the command.
 *
 * `renderModelCard` is pure; `writeModelCard` reads the job's folder. A card never holds a server
 * path outside the job's folder (a local model folder shows by its name only) nor a secret.
 */
import fs from "node:fs";
import path from "node:path";
import { dump as dumpYaml } from "js-yaml";
import { DROP_REASONS, type DropReason } from "../training/drop-reasons";
import { PINS_FILE, type TrainingPins } from "./pins";

/** What Argilla prints for a field nobody filled in. */
export const MORE_INFO = "[More Information Needed]";

export interface ModelCardInput {
  jobId: string;
  /** The job's folder: paths inside it (task.json, config.json) show relative to it. */
  jobDir?: string | null;
  /** job.json's fields the card reads. */
  framework: string;
  task: string;
  model: string;
  config: Record<string, unknown>;
  seed: number | null;
  /** pins.json, or what an older job has of it (each part may be missing). */
  pins: Partial<TrainingPins> | null;
  /** The test split's metrics (the `done` event's). */
  metrics: Record<string, number>;
  /** The worker's versions (the `started` event's) when pins.json has none. */
  versions: Record<string, string> | null;
  /** The Hub repo's URL once the model is pushed there (the card's Repository). */
  repo?: string | null;
}

/** Argilla's FRAMEWORK_TO_NAME_MAPPING (the card's "trained with"). */
const LIBRARY_TITLE: Record<string, string> = {
  transformers: "Transformers",
  peft: "PEFT Transformers library",
  setfit: "SetFit Transformers library",
  spacy: "Spacy Explosion",
  trl: "Transformer Reinforcement Learning",
  "sentence-transformers": "Sentence Transformers library",
};

/** The Hub's `library_name` (TRL models load with transformers; the Hub tags them `trl`). */
const HUB_LIBRARY: Record<string, string> = {
  transformers: "transformers",
  peft: "peft",
  setfit: "setfit",
  spacy: "spacy",
  trl: "transformers",
  "sentence-transformers": "sentence-transformers",
};

const TASK_ALIASES: Record<string, string> = { sft: "supervised_fine_tuning", dpo: "direct_preference_optimization", ppo: "proximal_policy_optimization" };

const PIPELINE_TAG: Record<string, string> = {
  text_classification: "text-classification",
  question_answering: "question-answering",
  sentence_similarity: "sentence-similarity",
  supervised_fine_tuning: "text-generation",
  chat_completion: "text-generation",
  direct_preference_optimization: "text-generation",
  proximal_policy_optimization: "text-generation",
  reward_modeling: "text-classification",
};

/** Argilla's default tags per framework and task (trl: the task's two names, then "TRL"). */
function argillaTags(framework: string, task: string): string[] {
  const trl: Record<string, string[]> = {
    supervised_fine_tuning: ["supervised-fine-tuning", "sft"],
    chat_completion: ["supervised-fine-tuning", "sft"],
    reward_modeling: ["reward-modeling", "rm"],
    proximal_policy_optimization: ["proximal-policy-optimization", "ppo"],
    direct_preference_optimization: ["direct-preference-optimization", "dpo"],
  };
  switch (framework) {
    case "transformers":
      return [task === "question_answering" ? "question-answering" : "text-classification", "transformers", "argilla"];
    case "setfit":
      return ["text-classification", "setfit", "argilla"];
    case "trl":
      return [...(trl[task] ?? []), "TRL", "argilla"];
    case "sentence-transformers":
      return ["sentence-similarity", "sentence-transformers", "argilla"];
    default:
      return ["argilla"];
  }
}

const MODEL_TYPE: Record<string, string> = {
  text_classification: "text classifier",
  question_answering: "extractive question answering model",
  sentence_similarity: "sentence similarity model",
  supervised_fine_tuning: "causal language model (supervised fine-tuning)",
  chat_completion: "chat model (supervised fine-tuning)",
  reward_modeling: "reward model (sequence scorer)",
  direct_preference_optimization: "causal language model (direct preference optimization)",
  proximal_policy_optimization: "causal language model (policy trained with online RL)",
};

/** A Hub model or dataset id: `name` or `owner/name`, no path. */
const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;
/** Another training job's model: `…/jobs/<uuid>/output/model`. */
const JOB_MODEL = /\/jobs\/([0-9a-f-]{36})\/output\/model\/?$/;

/** How the base model is named on the card: a Hub id as is; never a server path. */
export function describeBaseModel(model: string): { hubId: string | null; text: string; language: string | null } {
  if (model.startsWith("blank:")) {
    const language = model.slice("blank:".length);
    return { hubId: null, text: `a blank spaCy pipeline (\`${model}\`)`, language };
  }
  if (!model.startsWith("/") && !model.startsWith(".") && HUB_ID.test(model)) return { hubId: model, text: `[${model}](https://huggingface.co/${model})`, language: null };
  const job = JOB_MODEL.exec(model);
  if (job) return { hubId: null, text: `the model of training job \`${job[1]}\``, language: null };
  return { hubId: null, text: `a local model folder (\`${path.basename(model.replace(/\/+$/, "")) || "model"}\`)`, language: null };
}

/** Absolute paths in free text (a command) become `<their last component>`. */
export function scrubPaths(text: string): string {
  return text.replace(/(?<=^|[\s"'=:(])~?\/(?:[^\s"'`/]+\/)*([^\s"'`/]*)/g, (_match, last: string) => `<${last || "path"}>`);
}

const SECRET_KEY = /token|password|secret|api_key|apikey/i;

/** The config as shown: secret-looking keys left out, paths scrubbed. */
function publicConfig(value: unknown): unknown {
  if (typeof value === "string") return /^~?\//.test(value) ? scrubPaths(value) : value;
  if (Array.isArray(value)) return value.map(publicConfig);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([key]) => !SECRET_KEY.test(key)).map(([key, inner]) => [key, publicConfig(inner)]));
  }
  return value;
}

/** `accuracy` → `Accuracy`, `f1_macro` → `F1 macro`, `rewards/margins` → `Rewards/margins`. */
function metricName(name: string): string {
  const spaced = name.replace(/_/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

const json = (value: unknown) => JSON.stringify(value, null, 2);
const code = (language: string, text: string) => "```" + language + "\n" + text + "\n```";

/** How to use the model, per framework and task: a short snippet that loads the folder. */
export function usageSnippet(framework: string, task: string): { language: string; code: string } {
  if (framework === "setfit") {
    return { language: "python", code: 'from setfit import SetFitModel\n\nmodel = SetFitModel.from_pretrained("path/to/model")\nprint(model.predict(["I love it, worth every penny."]))' };
  }
  if (framework === "spacy") {
    return { language: "python", code: 'import spacy\n\nnlp = spacy.load("path/to/model")\nprint(nlp("I love it, worth every penny.").cats)' };
  }
  if (framework === "sentence-transformers") {
    return {
      language: "python",
      code: 'from sentence_transformers import SentenceTransformer  # a cross-encoder (studio_model.json): CrossEncoder\n\nmodel = SentenceTransformer("path/to/model")\nleft, right = model.encode(["A cat sits.", "A cat is sitting."])\nprint(model.similarity(left, right))',
    };
  }
  const peft = framework === "peft";
  const load = (auto: string) =>
    peft ? `from peft import AutoPeftModelFor${auto.replace("AutoModelFor", "")}\n\nmodel = AutoPeftModelFor${auto.replace("AutoModelFor", "")}.from_pretrained("path/to/model")` : `from transformers import ${auto}\n\nmodel = ${auto}.from_pretrained("path/to/model")`;
  switch (task) {
    case "text_classification":
      return peft
        ? { language: "python", code: `${load("AutoModelForSequenceClassification")}\n# then tokenize a text and read model(**inputs).logits` }
        : { language: "python", code: 'from transformers import pipeline\n\nclassifier = pipeline("text-classification", model="path/to/model", top_k=None)\nprint(classifier("I love it, worth every penny."))' };
    case "question_answering":
      return { language: "python", code: 'from transformers import pipeline\n\nqa = pipeline("question-answering", model="path/to/model")\nprint(qa(question="Where is it?", context="It is in the box."))' };
    case "reward_modeling":
      return {
        language: "python",
        code: `import torch\n${load("AutoModelForSequenceClassification")}\nfrom transformers import AutoTokenizer\n\ntokenizer = AutoTokenizer.from_pretrained("path/to/model")\nwith torch.no_grad():\n    print(model(**tokenizer("A helpful answer.", return_tensors="pt")).logits[0, 0].item())  # higher is better`,
      };
    default:
      return peft
        ? { language: "python", code: `${load("AutoModelForCausalLM")}\nfrom transformers import AutoTokenizer\n\ntokenizer = AutoTokenizer.from_pretrained("path/to/model")\noutput = model.generate(**tokenizer("### Instruction: Say hello", return_tensors="pt"), max_new_tokens=32)\nprint(tokenizer.decode(output[0], skip_special_tokens=True))` }
        : { language: "python", code: 'from transformers import pipeline\n\ngenerator = pipeline("text-generation", model="path/to/model")\nprint(generator("### Instruction: Say hello", max_new_tokens=32)[0]["generated_text"])' };
  }
}

/** The studio's own predict input for the task, as `studio predict` takes it. */
function studioPredictExample(task: string): string {
  switch (task) {
    case "question_answering":
      return `'{"question": "Where is it?", "context": "It is in the box."}'`;
    case "sentence_similarity":
      return `'{"sentence1": "A cat sits.", "sentence2": "A cat is sitting."}'`;
    case "text_classification":
    case "reward_modeling":
      return `"I love it, worth every penny."`;
    default:
      return `"### Instruction: Say hello"`;
  }
}

export function renderModelCard(input: ModelCardInput): string {
  const task = TASK_ALIASES[input.task] ?? input.task;
  const pins = input.pins ?? {};
  const dataset = pins.dataset;
  const base = describeBaseModel(pins.model ?? input.model);
  const config = publicConfig(pins.config ?? input.config) as Record<string, unknown>;
  const versions = pins.versions ?? input.versions;
  const seed = pins.seed ?? input.seed;
  const modelName = `studio-${dataset?.name ? `${dataset.name}-` : ""}${input.framework}-${input.jobId.slice(0, 8)}`;
  const language = base.language;
  const datasetOnHub = dataset?.name && /^[^/]+\/[^/]+$/.test(dataset.name) ? dataset.name : null;
  const metrics = Object.entries(input.metrics).filter(([, value]) => Number.isFinite(value));

  const frontMatter: Record<string, unknown> = {};
  if (language) frontMatter.language = language;
  if (dataset?.name) frontMatter.dataset_name = dataset.name;
  frontMatter.tags = [...argillaTags(input.framework, task), "feedback-studio"];
  frontMatter.library_name = HUB_LIBRARY[input.framework] ?? input.framework;
  if (base.hubId) frontMatter.base_model = base.hubId;
  if (datasetOnHub) frontMatter.datasets = [datasetOnHub];
  if (PIPELINE_TAG[task]) frontMatter.pipeline_tag = PIPELINE_TAG[task];
  if (metrics.length > 0) {
    frontMatter["model-index"] = [
      {
        name: modelName,
        results: [
          {
            task: { type: PIPELINE_TAG[task] ?? task, name: task },
            dataset: { name: dataset?.name ?? "unknown", type: datasetOnHub ?? dataset?.name ?? "unknown", split: "test" },
            metrics: metrics.map(([name, value]) => ({ type: name, value, name: metricName(name) })),
          },
        ],
      },
    ];
  }

  const library = LIBRARY_TITLE[input.framework] ?? input.framework;
  const lines: string[] = [];
  const add = (...more: string[]) => lines.push(...more);
  add("---", dumpYaml(frontMatter, { lineWidth: -1, noRefs: true }).trimEnd(), "---", "");
  add(`# Model Card for *${modelName}*`, "");
  add(`This model has been created with Feedback Studio from an [Argilla](https://docs.argilla.io) FeedbackDataset, trained with *${library}*.`, "");
  add(`A ${MODEL_TYPE[task] ?? task} fine-tuned from ${base.text} on the dataset${dataset?.name ? ` \`${dataset.name}\`` : ""} (training job \`${input.jobId}\`).`, "");

  add("## Model Details", "", "### Model Description", "");
  add(
    `- **Developed by:** ${MORE_INFO}`,
    `- **Shared by [optional]:** ${MORE_INFO}`,
    `- **Model type:** ${MODEL_TYPE[task] ?? task} (${library}, task \`${task}\`)`,
    `- **Language(s) (NLP):** ${language ?? MORE_INFO}`,
    `- **License:** ${MORE_INFO}`,
    `- **Finetuned from model [optional]:** ${base.text}`,
    "",
    "### Model Sources [optional]",
    "",
    `- **Repository:** ${input.repo ? `[${input.repo}](${input.repo})` : MORE_INFO}`,
    "",
  );

  const snippet = usageSnippet(input.framework, task);
  add("## How to use", "", code(snippet.language, snippet.code), "", "With the studio that trained it:", "", code("bash", `npx studio predict ${input.jobId} ${studioPredictExample(task)} --json`), "");

  add("## Training data", "");
  if (dataset) {
    add(
      `- **Dataset:** \`${dataset.name}\` (id ${dataset.id}, ${dataset.records} records when prepared)`,
      `- **Content hash (sha256 of the records read, in order):** \`${dataset.contentHash}\``,
      `- **Annotators:** ${dataset.annotators}`,
    );
  } else {
    add(`- **Dataset:** ${MORE_INFO} (this job recorded no pins)`);
  }
  if (pins.prepared) {
    const dropped = Object.entries(pins.prepared.dropped ?? {}).filter(([, n]) => (n ?? 0) > 0);
    add(`- **Rows used:** ${pins.prepared.train} for training, ${pins.prepared.test} for the test split`);
    if (dropped.length === 0) add("- **Records dropped:** none");
    else {
      add("- **Records dropped, by reason:**", "");
      add("  | reason | records | meaning |", "  |---|---:|---|");
      for (const [reason, n] of dropped) add(`  | \`${reason}\` | ${n} | ${DROP_REASONS[reason as DropReason] ?? ""} |`);
    }
  }
  add("");

  add("## Training procedure", "");
  add(`- **Framework:** ${input.framework}`, `- **Task:** ${task}`, `- **Seed:** ${seed ?? MORE_INFO}`);
  const unification = Object.entries(pins.unification ?? {});
  if (unification.length > 0) {
    add("- **Unification of the annotators' answers:**", "", "  | question | strategy |", "  |---|---|");
    for (const [question, strategy] of unification) add(`  | \`${question}\` | ${strategy} |`);
  }
  add("");
  if (pins.task) add("The task:", "", code("json", json(pins.task)), "");
  if (pins.options && Object.keys(pins.options).length > 0) add("The prepare options:", "", code("json", json(publicConfig(pins.options))), "");
  add("The framework config:", "", code("json", json(config)), "");

  add("## Evaluation", "");
  if (metrics.length === 0) add("No test-split metrics were recorded (no test split, or the run ended early).", "");
  else {
    add("On the test split:", "", "| metric | value |", "|---|---:|");
    for (const [name, value] of metrics) add(`| ${name} | ${Number(value.toPrecision(6))} |`);
    add("");
  }

  add("## Reproduce", "");
  if (pins.command) {
    const command = input.jobDir ? pins.command.split(`${input.jobDir.replace(/\/+$/, "")}/`).join("") : pins.command;
    add("In the job's folder (it holds the `task.json` and `config.json` the command names, the same as above):", "");
    add(code("bash", `npx ${scrubPaths(command).replace(/^npx /, "")}`), "", "The same dataset id, content hash, task, config, seed and library versions give the same rows and settings.", "");
  }
  else add(`${MORE_INFO} (this job recorded no command)`, "");

  add("## Framework Versions", "");
  if (versions && Object.keys(versions).length > 0) for (const [name, version] of Object.entries(versions)) add(`- ${name}: ${version}`);
  else add(`- ${MORE_INFO}`);
  add("");
  return lines.join("\n");
}

type JobFile = { framework?: string; task?: string; model?: string; config?: Record<string, unknown>; seed?: number };

function readJsonFile<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

/** What the card of a job's folder is rendered from: its pins.json, job.json and events.jsonl. */
export async function readModelCardInput(jobDir: string): Promise<ModelCardInput> {
  const job = readJsonFile<JobFile>(path.join(jobDir, "job.json"));
  if (!job?.framework || !job.task || !job.model) throw new Error("the job's folder has no readable job.json");
  const pins = readJsonFile<Partial<TrainingPins>>(path.join(jobDir, PINS_FILE));
  let metrics: Record<string, number> = {};
  let versions: Record<string, string> | null = null;
  const events = await fs.promises.readFile(path.join(jobDir, "events.jsonl"), "utf8").catch(() => "");
  for (const line of events.split("\n")) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as { event: string; metrics?: Record<string, number>; versions?: Record<string, string> };
    if (event.event === "done" && event.metrics) metrics = event.metrics;
    else if (event.event === "started" && event.versions) versions = event.versions;
  }
  return {
    jobId: path.basename(jobDir),
    jobDir,
    framework: job.framework,
    task: job.task,
    model: job.model,
    config: job.config ?? {},
    seed: job.seed ?? null,
    pins,
    metrics,
    versions,
  };
}

/** Writes `<jobDir>/output/model/README.md` from the job's pins.json, job.json and events.jsonl. */
export async function writeModelCard(jobDir: string): Promise<void> {
  const card = renderModelCard(await readModelCardInput(jobDir));
  const modelDir = path.join(jobDir, "output", "model");
  await fs.promises.mkdir(modelDir, { recursive: true });
  // The frameworks write their own README.md (SetFit, sentence-transformers): the studio's card replaces it.
  await fs.promises.writeFile(path.join(modelDir, "README.md"), card);
}
