/**
 * Which tasks a dataset can train, in which definition modes, with the candidate fields and
 * questions for every slot — what the task form offers.
 */
import type { DatasetSettings } from "../feedback/schema";
import { frameworksFor, type Framework } from "./frameworks";
import { TASK_DEFINITIONS } from "./tasks";
import { placeholderNames, questionNames, type SlotInfo } from "./tasks/definition";
import { TASK_KINDS, type TaskKind } from "./tasks/schema";
import { indexDataset } from "./tasks/types";
import { DEFAULT_STRATEGY, strategiesFor, type UnificationStrategy } from "./unify";

export interface ModeAvailability {
  available: boolean;
  /** Why not, when unavailable. */
  reason?: string;
  slots: SlotInfo[];
}

export interface TaskAvailability {
  task: TaskKind;
  title: string;
  frameworks: Framework[];
  modes: {
    /** null: Argilla has no defaults path for this task (a template or a function is needed). */
    default: ModeAvailability | null;
    template: ModeAvailability;
    function: ModeAvailability;
  };
}

export interface DatasetTaskOptions {
  tasks: TaskAvailability[];
  /** Names usable as {placeholders} in templates. */
  placeholders: string[];
  /** Ranking questions usable in {"from_ranking": ...}. */
  rankings: string[];
  /** Unification strategies per question name, and the default (Argilla's TrainingTask default). */
  strategies: Record<string, { options: readonly UnificationStrategy[]; default: UnificationStrategy }>;
}

export function tasksAvailableFor(settings: DatasetSettings): DatasetTaskOptions {
  const dataset = indexDataset(settings);
  const tasks = TASK_KINDS.map((kind): TaskAvailability => {
    const definition = TASK_DEFINITIONS[kind];
    return {
      task: kind,
      title: definition.title,
      frameworks: frameworksFor(kind),
      modes: {
        default: definition.defaultSlots ? availability(definition.defaultSlots(dataset)) : null,
        template: availability(definition.templateSlots(dataset)),
        function: { available: true, slots: [] },
      },
    };
  });
  const strategies: DatasetTaskOptions["strategies"] = {};
  for (const question of settings.questions) {
    if (question.type !== "span") strategies[question.name] = { options: strategiesFor(question), default: DEFAULT_STRATEGY[question.type] };
  }
  return { tasks, placeholders: placeholderNames(dataset), rankings: questionNames(dataset, ["ranking"]), strategies };
}

/** A mode is available when every required slot has enough candidates. */
function availability(slots: SlotInfo[]): ModeAvailability {
  for (const slot of slots) {
    const needed = slot.required ? (slot.count?.min ?? 1) : 0;
    if (slot.candidates.length < needed) {
      const what = slot.accepts === "question" ? "question" : "field";
      return {
        available: false,
        reason: `${slot.slot} needs ${needed === 1 ? `a ${what}` : `${needed} ${what}s`} (${slot.description}); the dataset has ${slot.candidates.length}`,
        slots,
      };
    }
  }
  return { available: true, slots };
}
