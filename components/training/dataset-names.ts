/** A dataset's names as the starting tasks and example functions pick from them. */
import type { DatasetSettings, TrainingOptions } from "./types";
import { placeholder } from "./task-editing";

export interface DatasetNames {
  fields: string[];
  /** Fields every record has (optional ones may be empty, and a template using one drops the record). */
  requiredFields: string[];
  textQuestions: string[];
  rankings: string[];
  /** Ranking question → its item values. */
  rankingValues: Map<string, string[]>;
  placeholders: string[];
}

export function namesOf(settings: DatasetSettings | undefined, options: TrainingOptions): DatasetNames {
  const fields = settings?.fields.map((f) => f.name) ?? [];
  const questions = settings?.questions ?? [];
  const rankingValues = new Map<string, string[]>();
  for (const q of questions) {
    if (q.type === "ranking") rankingValues.set(q.name, (Array.isArray(q.values) ? q.values : Object.keys(q.values)).map(String));
  }
  const required = settings?.fields.filter((f) => f.required).map((f) => f.name) ?? [];
  return {
    fields,
    requiredFields: required.length ? required : fields,
    textQuestions: questions.filter((q) => q.type === "text").map((q) => q.name),
    rankings: options.rankings,
    rankingValues,
    placeholders: options.placeholders,
  };
}

/** Fields that are not the items of a ranking (the prompt beside the ranked responses). */
export function promptFields(names: DatasetNames): string[] {
  const ranked = new Set([...names.rankingValues.values()].flat());
  const rest = names.fields.filter((f) => !ranked.has(f));
  return rest.length ? rest : names.fields;
}

/** The "answer" of a record: a corrected/written text response, falling back to the last field. */
export function answerTemplate(names: DatasetNames): string {
  const q = names.textQuestions[0];
  const last = names.fields.length > 1 ? names.fields[names.fields.length - 1] : undefined;
  if (q && last) return `{${q}|${last}}`;
  if (q) return placeholder(q);
  return placeholder(last ?? names.fields[0] ?? "text");
}

export function fieldFor(role: string, candidates: string[], fallbackIndex = 0): string | undefined {
  if (candidates.includes(role)) return role;
  return candidates[Math.min(fallbackIndex, candidates.length - 1)];
}

/** Words in a field's name that say it holds a conversation, a JSON list of {role, content} (what {"from_field"} reads). */
const CONVERSATION_WORDS = new Set(["conversation", "messages", "chat", "dialog", "dialogue"]);

export function conversationField(fields: string[]): string | undefined {
  return fields.find((f) => f.toLowerCase().split(/[^a-z]+/).some((word) => CONVERSATION_WORDS.has(word)));
}
