/**
 * What a push puts beside the files: the model card re-rendered with the repo filled in (for spaCy with
 * spacy-huggingface-hub's tags and its install line), and the prepared dataset's own card. The repo
 * name rules are the Hub's (huggingface_hub's validate_repo_id), so a bad name is refused before queueing.
 */
import fs from "node:fs";
import path from "node:path";
import { dump as dumpYaml, load as loadYaml } from "js-yaml";
import { z } from "zod";
import { readModelCardInput, renderModelCard } from "../training-runs/model-card";
import { PINS_FILE, type TrainingPins } from "../training-runs/pins";

/** `owner/name`: letters, digits, `-`, `_`, `.`; no `--` or `..`; not starting or ending with `-` or `.`; 96 at most. */
export const hubRepoId = z
  .string()
  .trim()
  .regex(/^[\w.-]{1,96}\/[\w.-]{1,96}$/, "a repo is OWNER/NAME (letters, digits, -, _ and .)")
  .refine((id) => !/--|\.\./.test(id) && id.split("/").every((part) => !/^[-.]|[-.]$/.test(part)), "a repo name may not hold -- or .., nor start or end with - or .");

/** The repo's page on the Hub. */
export function hubRepoUrl(endpoint: string, repo: string, type: "model" | "dataset"): string {
  return `${endpoint.replace(/\/+$/, "")}/${type === "dataset" ? "datasets/" : ""}${repo}`;
}

/** spaCy's package name for a repo: `<lang>_<name>` in lowercase with `_` (spacy package's own rule). */
export function spacyPackageName(lang: string, repo: string): string {
  const name = repo.split("/")[1]!.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "pipeline";
  return name.startsWith(`${lang}_`) ? name : `${lang}_${name}`;
}

/** Front matter and body of a card. */
function splitCard(card: string): { meta: Record<string, unknown>; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(card);
  if (!match) return { meta: {}, body: card };
  return { meta: (loadYaml(match[1]!) as Record<string, unknown>) ?? {}, body: card.slice(match[0].length) };
}

function joinCard(meta: Record<string, unknown>, body: string): string {
  return `---\n${dumpYaml(meta, { lineWidth: -1, noRefs: true }).trimEnd()}\n---\n${body}`;
}

/**
 * The training job's card with its repo URL. spaCy: spacy-huggingface-hub's tags (spacy,
 * text-classification) added, and how to install the pushed wheel.
 */
export async function hubModelCard(trainingDir: string, repoUrl: string, spacyPackage: string | null): Promise<string> {
  const card = renderModelCard({ ...(await readModelCardInput(trainingDir)), repo: repoUrl });
  if (!spacyPackage) return card;
  const { meta, body } = splitCard(card);
  const tags = (meta.tags as string[] | undefined) ?? [];
  meta.tags = [...new Set(["spacy", "text-classification", ...tags])];
  const wheel = `${repoUrl}/resolve/main/${spacyPackage}-any-py3-none-any.whl`;
  const install = `## Install the spaCy package\n\n\`\`\`bash\npip install ${wheel}\n\`\`\`\n\n\`\`\`python\nimport spacy\n\nnlp = spacy.load("${spacyPackage}")\n\`\`\`\n\n`;
  return joinCard(meta, body.replace("## Training data", `${install}## Training data`));
}

/** The prepared rows' card: where they come from (the pins' lineage) and the splits for `datasets.load_dataset`. */
export function hubDatasetCard(trainingDir: string, preparedDir: string, modelRepoUrl: string): string {
  const pins = JSON.parse(fs.readFileSync(path.join(trainingDir, PINS_FILE), "utf8")) as Partial<TrainingPins>;
  const splits = ["train", "test"].filter((split) => fs.existsSync(path.join(preparedDir, `${split}.jsonl`)));
  const meta = {
    tags: ["feedback-studio", "argilla"],
    configs: [{ config_name: "default", data_files: splits.map((split) => ({ split, path: `${split}.jsonl` })) }],
  };
  const dataset = pins.dataset;
  const lines = [
    `# Prepared rows of \`${dataset?.name ?? "a dataset"}\``,
    "",
    `The rows Feedback Studio prepared from an Argilla FeedbackDataset for training job \`${path.basename(trainingDir)}\`, which trained [${modelRepoUrl}](${modelRepoUrl}).`,
    "",
    `- **Dataset:** \`${dataset?.name ?? "unknown"}\`${dataset ? ` (id ${dataset.id}, ${dataset.records} records, content hash \`${dataset.contentHash}\`)` : ""}`,
    `- **Framework:** ${pins.framework ?? "unknown"}`,
    `- **Rows:** ${pins.prepared ? `${pins.prepared.train} train, ${pins.prepared.test} test` : "unknown"}`,
    `- **Splits:** ${splits.map((split) => `\`${split}.jsonl\``).join(", ")}; \`meta.json\` holds the label maps and the records dropped by reason.`,
    "",
  ];
  if (pins.task) lines.push("The task:", "", "```json", JSON.stringify(pins.task, null, 2), "```", "");
  return joinCard(meta, lines.join("\n"));
}
