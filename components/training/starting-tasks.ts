/**
 * Starting points: the task kind, mode, framework and a working task JSON for a dataset, written
 * with its own field and question names.
 */
import type { Framework, MessageSpec, TaskJson, TaskKind, TaskMode, TemplateSpec } from "./builder-state";
import { answerTemplate, conversationField, fieldFor, namesOf, promptFields, type DatasetNames } from "./dataset-names";
import { exampleFunction } from "./example-functions";
import { placeholder, setPath, slotName } from "./task-editing";
import type { DatasetSettings, SlotInfo, TrainingOptions } from "./types";

function guessTemplate(slot: string, names: DatasetNames): TemplateSpec {
  const prompt = promptFields(names);
  const firstField = names.fields[0] ?? "text";
  const ranking = names.rankings[0];
  if ((slot === "chosen" || slot === "rejected") && ranking) return { from_ranking: ranking, rank: slot === "chosen" ? "best" : "worst" };
  switch (slot) {
    case "text":
      return names.requiredFields.length > 1 ? names.requiredFields.map(placeholder).join("\n\n") : placeholder(names.requiredFields[0] ?? firstField);
    case "prompt":
    case "query":
      return placeholder(prompt[0] ?? firstField);
    case "question":
      return placeholder(fieldFor("question", names.fields) ?? firstField);
    case "context":
      return placeholder(fieldFor("context", names.fields, 1) ?? firstField);
    case "answer":
      return names.textQuestions[0] ? placeholder(names.textQuestions[0]) : placeholder(names.fields[names.fields.length - 1] ?? firstField);
    case "chosen":
      return answerTemplate(names);
    case "rejected": {
      // Without a ranking or a written answer, any other field: identical texts would be dropped.
      const last = names.fields[names.fields.length - 1] ?? firstField;
      return placeholder(names.textQuestions.length || names.fields.length < 2 ? last : names.fields[names.fields.length - 2]!);
    }
    default:
      return names.placeholders.includes(slot) ? placeholder(slot) : placeholder(firstField);
  }
}

function sftTemplate(names: DatasetNames): string {
  const instruction = names.fields[0] ?? "text";
  if (names.fields.length < 2 && !names.textQuestions.length) return placeholder(instruction);
  return `### Instruction:\n{${instruction}}\n\n### Response:\n${answerTemplate(names)}`;
}

/**
 * A chat: the conversation a field holds, then the assistant's reply (a written answer, else
 * another field: one beside a conversation is a draft of the next turn). Without such a field,
 * the first field is the user's message.
 */
export function defaultMessages(names: Pick<DatasetNames, "fields" | "textQuestions">): MessageSpec[] {
  const conversation = conversationField(names.fields);
  if (conversation) {
    const reply = names.textQuestions[0] ?? names.fields.filter((f) => f !== conversation).at(-1);
    return [{ from_field: conversation }, ...(reply ? [{ role: "assistant" as const, content: placeholder(reply) }] : [])];
  }
  const first = names.fields[0] ?? "text";
  return [
    { role: "user", content: placeholder(first) },
    { role: "assistant", content: answerTemplate({ ...names, requiredFields: names.fields, rankings: [], rankingValues: new Map(), placeholders: [] }) },
  ];
}

/** The slots of a task kind in a mode, as the options list them. */
export function slotsOf(options: TrainingOptions, kind: TaskKind, mode: TaskMode): SlotInfo[] {
  const availability = options.tasks.find((t) => t.task === kind);
  return availability?.modes[mode]?.slots ?? [];
}

/** A working starting task for a kind and mode, from the dataset's own names. */
export function initialTask(kind: TaskKind, mode: TaskMode, options: TrainingOptions, settings: DatasetSettings | undefined): TaskJson {
  const names = namesOf(settings, options);
  let task: TaskJson = { task: kind, mode };
  if (mode === "function") {
    return { ...task, formatting_func: { language: "javascript", source: exampleFunction(kind, settings, options, "javascript") } };
  }
  for (const slot of slotsOf(options, kind, mode)) {
    const name = slotName(slot.slot);
    switch (slot.accepts) {
      case "field":
        task = setPath(task, slot.slot, fieldFor(name, slot.candidates, name === "context" ? 1 : 0));
        break;
      case "fields":
        task = setPath(task, slot.slot, slot.candidates.slice(0, slot.count?.min ?? 2));
        break;
      case "question":
        if (slot.candidates.length) task = setPath(task, slot.slot, slot.candidates[0]);
        break;
      case "template":
        task = setPath(task, slot.slot, kind === "supervised_fine_tuning" ? sftTemplate(names) : guessTemplate(name, names));
        break;
      case "templates": {
        const wanted = slot.count?.min ?? 2;
        const pool = [...names.fields, ...names.placeholders.filter((p) => !names.fields.includes(p))];
        const texts = pool.slice(0, wanted);
        while (texts.length < wanted) texts.push(names.fields[0] ?? "text");
        task = setPath(task, slot.slot, texts.map(placeholder));
        break;
      }
      case "messages":
        // SFT offers a conversation as an alternative to its text template; chat needs one.
        if (slot.required) task = setPath(task, slot.slot, defaultMessages(names));
        break;
    }
  }
  return task;
}

/** The first framework of a kind, unless the current one also trains it. */
export function frameworkFor(kind: TaskKind, current: string | null | undefined, options: TrainingOptions): Framework {
  const frameworks = (options.frameworks[kind] ?? []) as Framework[];
  return current && (frameworks as string[]).includes(current) ? (current as Framework) : (frameworks[0] ?? "transformers");
}

/** Modes a kind can use on this dataset. */
export function availableModes(options: TrainingOptions, kind: TaskKind): TaskMode[] {
  const availability = options.tasks.find((t) => t.task === kind);
  if (!availability) return [];
  return (["default", "template", "function"] as const).filter((m) => availability.modes[m]?.available);
}

/**
 * The task a dataset most likely wants: classification when it has a label question, preference
 * tuning when it has a ranking, extractive QA or similarity when their defaults apply, else SFT.
 */
export function firstTaskKind(options: TrainingOptions): TaskKind {
  const can = (kind: TaskKind, mode: TaskMode) => options.tasks.find((t) => t.task === kind)?.modes[mode]?.available === true;
  if (can("text_classification", "default")) return "text_classification";
  if (options.rankings.length && can("direct_preference_optimization", "template")) return "direct_preference_optimization";
  if (can("question_answering", "default")) return "question_answering";
  if (can("sentence_similarity", "default")) return "sentence_similarity";
  if (can("supervised_fine_tuning", "template")) return "supervised_fine_tuning";
  const declarative = options.tasks.find((t) => t.modes.default?.available || t.modes.template.available);
  return (declarative ?? options.tasks[0])!.task;
}

/** The preferred mode of a kind: default when available, then template, then function. */
export function preferredMode(options: TrainingOptions, kind: TaskKind): TaskMode {
  return availableModes(options, kind)[0] ?? "function";
}
