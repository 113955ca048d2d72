/** The task registry: one definition per task kind. */
import type { DatasetSettings } from "../../feedback/schema";
import { chatCompletion } from "./chat-completion";
import type { TaskDefinition } from "./definition";
import { directPreferenceOptimization } from "./direct-preference-optimization";
import type { FunctionTaskOptions } from "./formatting-function";
import { proximalPolicyOptimization } from "./proximal-policy-optimization";
import { questionAnswering } from "./question-answering";
import { rewardModeling } from "./reward-modeling";
import type { TaskKind, TaskOf, TrainingTask } from "./schema";
import { sentenceSimilarity } from "./sentence-similarity";
import { supervisedFineTuning } from "./supervised-fine-tuning";
import { textClassification } from "./text-classification";
import { indexDataset, type CompiledTask, type SampleByTask } from "./types";

export const TASK_DEFINITIONS: { [K in TaskKind]: TaskDefinition<K> } = {
  text_classification: textClassification,
  question_answering: questionAnswering,
  sentence_similarity: sentenceSimilarity,
  supervised_fine_tuning: supervisedFineTuning,
  reward_modeling: rewardModeling,
  proximal_policy_optimization: proximalPolicyOptimization,
  direct_preference_optimization: directPreferenceOptimization,
  chat_completion: chatCompletion,
};

/** Compiles a task for a dataset. Throws TaskConfigError listing every problem; starts the sandbox in function mode. */
export function compileTask<K extends TaskKind>(
  settings: DatasetSettings,
  task: TaskOf<K>,
  options: FunctionTaskOptions = {},
): Promise<CompiledTask<SampleByTask[K]>> {
  const definition = TASK_DEFINITIONS[task.task as K];
  return definition.compile(task, indexDataset(settings), options);
}

/**
 * Whether a task reads more of a record than its fields and responses: only a formatting
 * function does (Argilla's sample carries metadata, suggestions and vectors). Full reads for the
 * other modes leave those parts in the database.
 */
export function readsWholeRecord(task: TrainingTask): boolean {
  return task.mode === "function";
}

export type { TrainingTask };
