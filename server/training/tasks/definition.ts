/** What every task file provides: compilation for the three modes and the slots the UI can fill. */
import type { QuestionType } from "../../feedback/schema";
import type { FunctionTaskOptions } from "./formatting-function";
import type { TaskKind, TaskOf } from "./schema";
import type { CompiledTask, DatasetIndex, SampleByTask } from "./types";

export interface TaskDefinition<K extends TaskKind> {
  kind: K;
  title: string;
  compile(task: TaskOf<K>, dataset: DatasetIndex, options: FunctionTaskOptions): Promise<CompiledTask<SampleByTask[K]>>;
  /** Slots of the default mode (null: Argilla has no defaults path for this task). */
  defaultSlots: ((dataset: DatasetIndex) => SlotInfo[]) | null;
  templateSlots(dataset: DatasetIndex): SlotInfo[];
}

/** One input of a task definition, with the dataset's candidates for it (for rendering a form). */
export interface SlotInfo {
  /** JSON path of the parameter in the task, e.g. "text", "label", "template.chosen". */
  slot: string;
  accepts: "field" | "fields" | "question" | "template" | "templates" | "messages";
  required: boolean;
  /** Field or question names that fit (for templates: every usable placeholder). */
  candidates: string[];
  /** For "fields"/"templates": how many entries are allowed. */
  count?: { min: number; max: number };
  description: string;
}

export function fieldNames(dataset: DatasetIndex): string[] {
  return [...dataset.fields.keys()];
}

export function questionNames(dataset: DatasetIndex, types: readonly QuestionType[]): string[] {
  return dataset.settings.questions.filter((q) => types.includes(q.type)).map((q) => q.name);
}

/** Placeholders a template may use: every field and every non-span question. */
export function placeholderNames(dataset: DatasetIndex): string[] {
  return [...fieldNames(dataset), ...questionNames(dataset, ["text", "label_selection", "multi_label_selection", "rating", "ranking"])];
}

export function templateSlot(slot: string, dataset: DatasetIndex, description: string): SlotInfo {
  return { slot, accepts: "template", required: true, candidates: placeholderNames(dataset), description };
}
