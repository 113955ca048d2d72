/**
 * Default and template modes: slots rendered from fields and selected answers, then turned into
 * the task's sample by the task's `build`. One record → one sample per answer set.
 */
import type { StoredRecord } from "../../feedback/schema";
import { Drop, drop, keepOrFirstDrop } from "../drop-reasons";
import { TaskConfigError } from "../errors";
import { DEFAULT_STRATEGY, hasSubmittedResponse, isStrategyFor, strategiesFor, type UnificationStrategy } from "../unify";
import { answerSets, type SelectedQuestion } from "./responses";
import type { ResponsesMode } from "./schema";
import { questionsOfSlot, renderSlot, type CompiledSlot, type RenderEnv, type SlotValue } from "./template";
import type { CompiledTask, DatasetIndex, LabelSpec, Sample } from "./types";
import type { TaskKind } from "./schema";

export interface DeclarativeSpec<S> {
  kind: TaskKind;
  slots: Record<string, CompiledSlot | undefined>;
  responses: ResponsesMode;
  /** Explicit strategies by question name; other questions use Argilla's per-type default. */
  strategies: Record<string, UnificationStrategy | undefined>;
  seed: number;
  dedup: boolean;
  labels?: LabelSpec;
  /** Rendered slots → sample (or a drop, e.g. chosen = rejected). */
  build(values: Record<string, SlotValue>): S | Drop;
}

/** Compiles a declarative spec; `problems` already holds the compile problems of its slots. */
export function declarativeTask<S extends Sample>(spec: DeclarativeSpec<S>, dataset: DatasetIndex, problems: string[]): CompiledTask<S> {
  const slotEntries = Object.entries(spec.slots).filter((e): e is [string, CompiledSlot] => e[1] !== undefined);
  const questionNames = new Set<string>();
  for (const [, slot] of slotEntries) questionsOfSlot(slot, questionNames);
  const selected: SelectedQuestion[] = [];
  for (const name of questionNames) {
    const question = dataset.questions.get(name);
    if (!question) continue; // already reported by the slot compiler
    const strategy = spec.strategies[name];
    if (strategy !== undefined && !isStrategyFor(question, strategy)) {
      problems.push(`strategy "${strategy}" does not apply to ${question.type} question "${name}" (use ${strategiesFor(question).join(", ")})`);
    }
    if (question.type !== "span") selected.push({ question, strategy: strategy ?? DEFAULT_STRATEGY[question.type] });
  }
  for (const [name, strategy] of Object.entries(spec.strategies)) {
    if (strategy === undefined) continue;
    if (!questionNames.has(name)) problems.push(`strategies: "${name}" is not a question the task uses`);
    if (spec.responses !== "unified") problems.push(`strategy for "${name}": strategies apply only with responses "unified"`);
  }
  if (problems.length > 0) throw new TaskConfigError(problems);

  const format = (record: StoredRecord): S[] | Drop => {
    const sets = answerSets(record, selected, spec.responses, spec.seed);
    const hasSubmitted = selected.length > 0 && hasSubmittedResponse(record);
    if (sets.length === 0) return drop("no_submitted_responses", "the record has no submitted response");
    return keepOrFirstDrop(sets, (answers) => renderSample(slotEntries, { record, answers, hasSubmitted }, spec.build));
  };
  return { kind: spec.kind, format, dedup: spec.dedup, labels: spec.labels, dispose() {} };
}

function renderSample<S>(
  slots: [string, CompiledSlot][],
  env: RenderEnv,
  build: (values: Record<string, SlotValue>) => S | Drop,
): S | Drop {
  const values: Record<string, SlotValue> = {};
  for (const [name, slot] of slots) {
    const value = renderSlot(slot, env);
    if (value instanceof Drop) return value;
    values[name] = value;
  }
  return build(values);
}
