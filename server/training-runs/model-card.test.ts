import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { load as loadYaml } from "js-yaml";
import { describe, expect, it } from "vitest";
import { describeBaseModel, MORE_INFO, renderModelCard, scrubPaths, writeModelCard, type ModelCardInput } from "./model-card";
import type { TrainingPins } from "./pins";

const JOB_ID = "0b5a3c1e-6f1d-4a8e-9c2b-1d2e3f4a5b6c";

const PINS: TrainingPins = {
  version: 1,
  dataset: { id: 7, name: "sentiment-reviews", contentHash: "ab".repeat(32), records: 120, annotators: 4 },
  task: { version: 1, task: "text_classification", mode: "default", seed: 42, text: "text", label: "sentiment", label_strategy: "majority" } as TrainingPins["task"],
  unification: { sentiment: "majority" },
  options: { trainSize: 0.75, testSize: 0.25, seed: 42 },
  framework: "setfit",
  model: "sentence-transformers/all-MiniLM-L6-v2",
  config: { num_iterations: 4, batch_size: 16, hub_token: "hf_secret_value" },
  seed: 42,
  prepared: { train: 60, test: 20, dropped: { missing_response: 3, no_submitted_responses: 0, invalid_label: 2 } },
  versions: { python: "3.11.2", torch: "2.13.0+cpu", setfit: "1.2.0" },
  command: "npx studio train --dataset sentiment-reviews --task task.json --framework setfit --model sentence-transformers/all-MiniLM-L6-v2 --config /home/someone/cfg.json --seed 42",
};

const input = (over: Partial<ModelCardInput> = {}): ModelCardInput => ({
  jobId: JOB_ID,
  framework: "setfit",
  task: "text_classification",
  model: PINS.model,
  config: {},
  seed: 42,
  pins: PINS,
  metrics: { accuracy: 0.89, f1_macro: 0.875 },
  versions: null,
  ...over,
});

function frontMatter(card: string): Record<string, any> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(card);
  expect(match).not.toBeNull();
  return loadYaml(match![1]!) as Record<string, any>;
}

describe("renderModelCard", () => {
  it("writes the Hub's front matter with the test metrics as a model-index", () => {
    const meta = frontMatter(renderModelCard(input()));
    expect(meta.tags).toEqual(["text-classification", "setfit", "argilla", "feedback-studio"]);
    expect(meta.library_name).toBe("setfit");
    expect(meta.base_model).toBe("sentence-transformers/all-MiniLM-L6-v2");
    expect(meta.pipeline_tag).toBe("text-classification");
    expect(meta.dataset_name).toBe("sentiment-reviews");
    expect(meta.datasets).toBeUndefined(); // a studio dataset, not a Hub id
    expect(meta.language).toBeUndefined(); // unknown: left out, as Argilla leaves None out
    const result = meta["model-index"][0].results[0];
    expect(result.task.type).toBe("text-classification");
    expect(result.dataset).toMatchObject({ name: "sentiment-reviews", split: "test" });
    expect(result.metrics).toEqual([
      { type: "accuracy", value: 0.89, name: "Accuracy" },
      { type: "f1_macro", value: 0.875, name: "F1 macro" },
    ]);
  });

  it("has Argilla's fields and the lineage: dataset id and hash, task, unification, annotators, rows and drops, config, versions, command", () => {
    const card = renderModelCard(input());
    expect(card).toContain(`- **Developed by:** ${MORE_INFO}`);
    expect(card).toContain(`- **Shared by [optional]:** ${MORE_INFO}`);
    expect(card).toContain(`- **License:** ${MORE_INFO}`);
    expect(card).toContain(`- **Repository:** ${MORE_INFO}`);
    expect(card).toContain("- **Finetuned from model [optional]:** [sentence-transformers/all-MiniLM-L6-v2](https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2)");
    expect(card).toContain("trained with *SetFit Transformers library*");
    expect(card).toContain("(id 7, 120 records when prepared)");
    expect(card).toContain("ab".repeat(32));
    expect(card).toContain("- **Annotators:** 4");
    expect(card).toContain("| `sentiment` | majority |");
    expect(card).toContain('"label": "sentiment"');
    expect(card).toContain("60 for training, 20 for the test split");
    expect(card).toContain("| `missing_response` | 3 |");
    expect(card).toContain("| `invalid_label` | 2 |");
    expect(card).not.toContain("no_submitted_responses"); // a reason with no drop is left out
    expect(card).toContain('"num_iterations": 4');
    expect(card).toContain("- setfit: 1.2.0");
    expect(card).toContain("| accuracy | 0.89 |");
    expect(card).toContain("npx studio train --dataset sentiment-reviews");
    expect(card).toContain("SetFitModel.from_pretrained");
    expect(card).toContain(`npx studio predict ${JOB_ID} "I love it, worth every penny." --json`);
  });

  it("never holds a secret or a server path", () => {
    const card = renderModelCard(input({ model: "/srv/models/minilm", pins: { ...PINS, model: "/srv/models/minilm", options: { ...PINS.options, tokenizer: "/srv/tok" } } }));
    expect(card).not.toContain("hf_secret_value");
    expect(card).not.toContain("hub_token");
    expect(card).not.toMatch(/\/home\/someone|\/srv\//);
    expect(card).toContain("--config <cfg.json>");
    expect(card).toContain("a local model folder (`minilm`)");
    expect(frontMatter(card).base_model).toBeUndefined();
  });

  it("names another job's model by its job, a blank spaCy pipeline by its language", () => {
    expect(describeBaseModel(`/var/studio/jobs/${JOB_ID}/output/model`).text).toBe(`the model of training job \`${JOB_ID}\``);
    const spacy = renderModelCard(input({ framework: "spacy", model: "blank:en", pins: { ...PINS, model: "blank:en" } }));
    expect(frontMatter(spacy)).toMatchObject({ language: "en", library_name: "spacy", tags: ["argilla", "feedback-studio"] });
    expect(spacy).toContain("- **Language(s) (NLP):** en");
    expect(spacy).toContain("spacy.load(");
  });

  it("a Hub dataset name goes into `datasets`; TRL tasks get Argilla's tags and a generation pipeline tag", () => {
    const meta = frontMatter(renderModelCard(input({ framework: "trl", task: "sft", pins: { ...PINS, dataset: { ...PINS.dataset, name: "argilla/dolly" } }, metrics: { loss: 2.5 } })));
    expect(meta.datasets).toEqual(["argilla/dolly"]);
    expect(meta.tags).toEqual(["supervised-fine-tuning", "sft", "TRL", "argilla", "feedback-studio"]);
    expect(meta.library_name).toBe("transformers");
    expect(meta.pipeline_tag).toBe("text-generation");
  });

  it("an older job without pins.json still gets a card, with what it has", () => {
    const card = renderModelCard(input({ pins: null, config: { max_steps: 5 }, metrics: {}, versions: { torch: "2.13.0" } }));
    const meta = frontMatter(card);
    expect(meta["model-index"]).toBeUndefined();
    expect(meta.dataset_name).toBeUndefined();
    expect(card).toContain(`- **Dataset:** ${MORE_INFO} (this job recorded no pins)`);
    expect(card).toContain('"max_steps": 5');
    expect(card).toContain("- torch: 2.13.0");
    expect(card).toContain("No test-split metrics were recorded");
    expect(card).toContain(`${MORE_INFO} (this job recorded no command)`);
  });

  it("shows the command's files in the job's folder relative to it", () => {
    const card = renderModelCard(input({ jobDir: `/srv/studio/jobs/${JOB_ID}`, pins: { ...PINS, command: `studio train --dataset d --task /srv/studio/jobs/${JOB_ID}/task.json --framework setfit --model /srv/m/minilm --config '/srv/studio/jobs/${JOB_ID}/config.json'` } }));
    expect(card).toContain("npx studio train --dataset d --task task.json --framework setfit --model <minilm> --config 'config.json'");
    expect(card).not.toContain("/srv/");
  });

  it("scrubs absolute paths in commands but not ratios or tags", () => {
    expect(scrubPaths("--model /a/b/c --task ./t.json rewards/margins </s> --x='/y/z'")).toBe("--model <c> --task ./t.json rewards/margins </s> --x='<z>'");
  });
});

describe("writeModelCard", () => {
  it("reads job.json, pins.json and events.jsonl and writes output/model/README.md", async () => {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "card-"));
    const jobDir = path.join(dir, JOB_ID);
    try {
      await fs.promises.mkdir(path.join(jobDir, "output", "model"), { recursive: true });
      fs.writeFileSync(path.join(jobDir, "job.json"), JSON.stringify({ job_id: JOB_ID, framework: "setfit", task: "text_classification", model: PINS.model, config: {}, seed: 42 }));
      fs.writeFileSync(path.join(jobDir, "pins.json"), JSON.stringify({ ...PINS, versions: null }));
      fs.writeFileSync(
        path.join(jobDir, "events.jsonl"),
        [{ event: "started", versions: { python: "3.11.2", setfit: "1.2.0" } }, { event: "done", status: "succeeded", metrics: { accuracy: 1 }, model_dir: "model", step: 4 }].map((e) => JSON.stringify(e)).join("\n") + "\n",
      );
      await writeModelCard(jobDir);
      const card = fs.readFileSync(path.join(jobDir, "output", "model", "README.md"), "utf8");
      expect(frontMatter(card)["model-index"][0].results[0].metrics[0]).toMatchObject({ type: "accuracy", value: 1 });
      expect(card).toContain("- setfit: 1.2.0");
      expect(card).not.toContain(dir);
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });
});
