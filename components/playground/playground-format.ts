/**
 * Pure helpers of the playground: which form a task gets, how scores and metrics read, the answer
 * span of a QA prediction cut out of its context, and the model card's YAML front matter as rows.
 */
import { load as loadYaml } from "js-yaml";

/** The playground forms; the tasks map onto them as the predict procedure's input schemas do. */
export type PlaygroundKind = "text_classification" | "question_answering" | "sentence_similarity" | "generation" | "reward_modeling";

const GENERATION = new Set(["supervised_fine_tuning", "chat_completion", "direct_preference_optimization", "proximal_policy_optimization", "sft", "dpo", "ppo"]);
const DIRECT = new Set<string>(["text_classification", "question_answering", "sentence_similarity", "reward_modeling"]);

/** The form for a job's task, or null for a task nothing predicts with. */
export function playgroundKind(task: string): PlaygroundKind | null {
  if (GENERATION.has(task)) return "generation";
  return DIRECT.has(task) ? (task as PlaygroundKind) : null;
}

/** A probability as a percentage: `87.3%`; tiny but positive ones as `<0.1%`. */
export function formatProbability(p: number): string {
  if (!Number.isFinite(p)) return "—";
  if (p > 0 && p < 0.0005) return "<0.1%";
  return `${(p * 100).toFixed(1)}%`;
}

/** A bar's width in percent of its track, for a probability (clamped to 0–100). */
export function barPercent(p: number): number {
  return Number.isFinite(p) ? Math.min(100, Math.max(0, p * 100)) : 0;
}

/** An unbounded score (similarity, reward, a QA span's): three decimals, never `-0.000`. */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return "—";
  const text = score.toFixed(3);
  return /^-0\.0+$/.test(text) ? text.slice(1) : text;
}

/** A metric: integers as they are (steps, samples), others to 4 significant digits. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return "—";
  if (Number.isInteger(value)) return value.toLocaleString("en");
  return Math.abs(value) >= 1e-3 ? String(Number(value.toPrecision(4))) : value.toExponential(2);
}

/**
 * The context around a QA answer, split at `start` and `end`, which count code points (Python's
 * string offsets, as the runner gives them), not UTF-16 units: an emoji before the answer counts 1.
 * Offsets outside the context, or reversed, are clamped so the split is always whole characters.
 */
export function splitAtAnswer(context: string, start: number, end: number): { before: string; answer: string; after: string } {
  const chars = Array.from(context);
  const from = Math.min(chars.length, Math.max(0, Math.trunc(start) || 0));
  const to = Math.min(chars.length, Math.max(from, Math.trunc(end) || 0));
  return { before: chars.slice(0, from).join(""), answer: chars.slice(from, to).join(""), after: chars.slice(to).join("") };
}

/** The longest front matter read; a card is the model folder's file, which anyone with the folder could have changed. */
const FRONT_MATTER_MAX_CHARS = 20_000;
/** How long one value reads in the table. */
const VALUE_MAX_CHARS = 300;

/** `---\n<yaml>\n---` at the top of a card, split from the Markdown after it. */
export function splitFrontMatter(markdown: string): { yaml: string | null; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(markdown);
  if (!match) return { yaml: null, body: markdown };
  return { yaml: match[1]!, body: markdown.slice(match[0].length) };
}

/**
 * A value as one line of text, at most VALUE_MAX_CHARS: scalars as they are, lists of scalars joined
 * by commas, anything else as compact JSON. Walks with a budget, so YAML aliases that nest one object
 * many times over (a "billion laughs" card) cost no more than the cap.
 */
export function describeValue(value: unknown): string {
  let budget = VALUE_MAX_CHARS + 1;
  const walk = (inner: unknown, depth: number): string => {
    if (budget <= 0) return "";
    let text: string;
    if (inner === null || inner === undefined) text = "—";
    else if (typeof inner === "string") text = inner;
    else if (typeof inner === "number" || typeof inner === "boolean") text = String(inner);
    else if (inner instanceof Date) text = inner.toISOString().slice(0, 10);
    else if (depth > 6) text = "…";
    else if (Array.isArray(inner)) {
      const parts: string[] = [];
      for (const item of inner) {
        if (budget <= 0) break;
        parts.push(walk(item, depth + 1));
      }
      const scalars = inner.every((item) => item === null || typeof item !== "object");
      text = scalars && depth === 0 ? parts.join(", ") : `[${parts.join(", ")}]`;
    } else if (typeof inner === "object") {
      const parts: string[] = [];
      for (const [key, item] of Object.entries(inner)) {
        if (budget <= 0) break;
        parts.push(`${key}: ${walk(item, depth + 1)}`);
      }
      text = `{${parts.join(", ")}}`;
    } else text = String(inner);
    budget -= text.length;
    return text;
  };
  const text = walk(value, 0);
  return text.length > VALUE_MAX_CHARS ? `${text.slice(0, VALUE_MAX_CHARS - 1)}…` : text;
}

/** The front matter's top-level keys and their values as text; an error in words when it cannot be read. */
export function frontMatterRows(yaml: string): { rows: [string, string][]; error: string | null } {
  if (yaml.length > FRONT_MATTER_MAX_CHARS) return { rows: [], error: `The card's front matter is longer than ${FRONT_MATTER_MAX_CHARS.toLocaleString("en")} characters; not shown.` };
  let parsed: unknown;
  try {
    parsed = loadYaml(yaml);
  } catch {
    return { rows: [], error: "The card's front matter is not valid YAML; not shown." };
  }
  if (parsed === null || parsed === undefined) return { rows: [], error: null };
  if (typeof parsed !== "object" || Array.isArray(parsed)) return { rows: [], error: "The card's front matter is not a list of fields; not shown." };
  return { rows: Object.entries(parsed as Record<string, unknown>).map(([key, value]) => [key, describeValue(value)]), error: null };
}
