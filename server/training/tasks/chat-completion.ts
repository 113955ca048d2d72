/**
 * TrainingTask.for_chat_completion(formatting_func) — plus message templates.
 * Sample: {messages: [{role, content}]}. A function returns Argilla's [chat, turn, role, content]
 * tuples; they are grouped by chat id within the record (first-appearance order) and sorted by
 * turn NUMERICALLY (Argilla sorts the stringified turns, so "10" comes before "2").
 */
import { InvalidSampleError } from "../errors";
import { asNumber, asText, asTuple, describeValue } from "./coerce";
import { declarativeTask } from "./declarative";
import { templateSlot, type TaskDefinition } from "./definition";
import { functionTask, type FunctionOutputContract } from "./formatting-function";
import { chatMessage, compileMessages } from "./template";
import type { ChatCompletionSample, ChatMessage } from "./types";

interface Turn {
  chat: string;
  turn: number;
  message: ChatMessage;
}

const functionOutput: FunctionOutputContract<Turn, ChatCompletionSample> = {
  expected: "[chat, turn, role, content], or a list of them",
  tuple: true,
  coerce(item) {
    const [chat, turn, role, content] = asTuple(item, 4, "[chat, turn, role, content]");
    const turnNumber = asNumber(turn);
    if (turnNumber === undefined) throw new InvalidSampleError(`turn must be a number, got ${describeValue(turn)}`);
    return { chat: asText(chat, "chat"), turn: turnNumber, message: chatMessage(role, asText(content, "content")) };
  },
  collect: groupTurns,
};

function groupTurns(turns: Turn[]): ChatCompletionSample[] {
  const chats = new Map<string, Turn[]>();
  for (const turn of turns) {
    const list = chats.get(turn.chat);
    if (list) list.push(turn);
    else chats.set(turn.chat, [turn]);
  }
  return [...chats.values()].map((list) => ({ messages: list.sort((a, b) => a.turn - b.turn).map((t) => t.message) }));
}

export const chatCompletion: TaskDefinition<"chat_completion"> = {
  kind: "chat_completion",
  title: "Chat completion",
  async compile(task, dataset, options) {
    if (task.mode === "function") {
      return functionTask("chat_completion", task.formatting_func, dataset.settings, functionOutput, options);
    }
    const problems: string[] = [];
    return declarativeTask(
      {
        kind: "chat_completion",
        slots: { messages: { kind: "messages", messages: compileMessages(task.template.messages, dataset, problems, "template.messages") } },
        responses: task.responses,
        strategies: task.strategies ?? {},
        seed: task.seed,
        dedup: false,
        build: (v) => ({ messages: v.messages as ChatMessage[] }),
      },
      dataset,
      problems,
    );
  },
  defaultSlots: null,
  templateSlots: (dataset) => [
    {
      ...templateSlot("template.messages", dataset, "Messages {role, content} and/or {from_field} holding a JSON conversation"),
      accepts: "messages",
    },
  ],
};
