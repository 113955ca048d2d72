/** Which frameworks each task supports, and the adapter that shapes its rows. */
import type { TaskKind } from "../tasks/schema";
import type { SampleByTask } from "../tasks/types";
import { openaiChatCompletion, openaiClassification } from "./openai";
import { sentenceTransformersSimilarity } from "./sentence-transformers";
import { setfitClassification } from "./setfit";
import { spacyClassification } from "./spacy";
import { transformersClassification, transformersQuestionAnswering } from "./transformers";
import {
  trlChatCompletion,
  trlDirectPreferenceOptimization,
  trlProximalPolicyOptimization,
  trlRewardModeling,
  trlSupervisedFineTuning,
} from "./trl";
import type { Framework, FrameworkAdapter } from "./types";

export const ADAPTERS: { [K in TaskKind]: Partial<Record<Framework, FrameworkAdapter<SampleByTask[K]>>> } = {
  text_classification: {
    transformers: transformersClassification,
    peft: transformersClassification,
    setfit: setfitClassification,
    spacy: spacyClassification,
    "spacy-transformers": spacyClassification,
    openai: openaiClassification,
  },
  question_answering: { transformers: transformersQuestionAnswering },
  sentence_similarity: { "sentence-transformers": sentenceTransformersSimilarity },
  // PEFT LoRA trains a causal LM on the same rows as TRL's SFT (the trainer's peft runner wraps SFTTrainer).
  supervised_fine_tuning: { trl: trlSupervisedFineTuning, peft: trlSupervisedFineTuning },
  reward_modeling: { trl: trlRewardModeling },
  proximal_policy_optimization: { trl: trlProximalPolicyOptimization },
  direct_preference_optimization: { trl: trlDirectPreferenceOptimization },
  chat_completion: { openai: openaiChatCompletion, trl: trlChatCompletion, peft: trlChatCompletion },
};

/** Frameworks that can train a task (Argilla's matrix, plus TRL for chat completion and PEFT for SFT and chat). */
export function frameworksFor(task: TaskKind | { task: TaskKind }): Framework[] {
  const kind = typeof task === "string" ? task : task.task;
  return Object.keys(ADAPTERS[kind]) as Framework[];
}

export { FRAMEWORKS, type Framework, type FrameworkAdapter, type FrameworkOptions, type Row, type RowView } from "./types";
