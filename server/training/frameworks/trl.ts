/**
 * TRL: SFT {id, text} or conversational {messages}; reward modeling {chosen, rejected}; PPO
 * {id, query}; DPO {prompt, chosen, rejected}; chat completion {messages} (conversational
 * language modeling). `id` columns as in Argilla (SFT, PPO), holding the record id.
 */
import type {
  ChatCompletionSample,
  DirectPreferenceOptimizationSample,
  ProximalPolicyOptimizationSample,
  RewardModelingSample,
  SupervisedFineTuningSample,
} from "../tasks/types";
import { conversationView } from "./chat-rows";
import type { FrameworkAdapter, Row } from "./types";
import type { ChatMessage } from "../tasks/types";

const text = (row: Row, column: string) => row[column] as string;

export const trlSupervisedFineTuning: FrameworkAdapter<SupervisedFineTuningSample> = {
  toRow: (sample, id) => ("text" in sample ? { id, text: sample.text } : { messages: sample.messages }),
  view: (row) =>
    "messages" in row
      ? conversationView(row.messages as ChatMessage[])
      : { input: text(row, "text"), texts: [["text", text(row, "text")]] },
};

export const trlRewardModeling: FrameworkAdapter<RewardModelingSample> = {
  toRow: (sample) => ({ chosen: sample.chosen, rejected: sample.rejected }),
  view: (row) => ({
    input: `${text(row, "chosen")}\u0000${text(row, "rejected")}`,
    texts: [
      ["chosen", text(row, "chosen")],
      ["rejected", text(row, "rejected")],
    ],
  }),
};

export const trlProximalPolicyOptimization: FrameworkAdapter<ProximalPolicyOptimizationSample> = {
  toRow: (sample, id) => ({ id, query: sample.query }),
  view: (row) => ({ input: text(row, "query"), texts: [["query", text(row, "query")]] }),
};

export const trlDirectPreferenceOptimization: FrameworkAdapter<DirectPreferenceOptimizationSample> = {
  toRow: (sample) => ({ prompt: sample.prompt, chosen: sample.chosen, rejected: sample.rejected }),
  view: (row) => ({
    input: text(row, "prompt"),
    texts: [
      ["prompt", text(row, "prompt")],
      ["chosen", text(row, "chosen")],
      ["rejected", text(row, "rejected")],
    ],
  }),
};

export const trlChatCompletion: FrameworkAdapter<ChatCompletionSample> = {
  toRow: (sample) => ({ messages: sample.messages }),
  view: (row) => conversationView(row.messages as ChatMessage[]),
};
