/** Helpers for rows holding a conversation ({messages}), shared by TRL and OpenAI. */
import type { ChatMessage } from "../tasks/types";
import type { RowView } from "./types";

/** The prompt part of a conversation (everything before the final assistant turns) identifies its input. */
export function conversationView(messages: readonly ChatMessage[]): RowView {
  let end = messages.length;
  while (end > 0 && messages[end - 1]!.role === "assistant") end--;
  return {
    input: JSON.stringify(messages.slice(0, end)),
    texts: messages.map((m): [string, string] => [`messages.${m.role}`, m.content]),
  };
}
