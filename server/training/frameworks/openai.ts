/**
 * OpenAI chat fine-tuning: {"messages": [{role, content}, ...]} checked against OpenAI's rules —
 * roles system/user/assistant (checked when samples are built), at least one assistant message per
 * example, at least 10 training examples. Text classification becomes a user message (the text)
 * answered by an assistant message (the label, labels joined with ", "); Argilla still writes the
 * legacy {prompt, completion} format, which chat models do not accept.
 */
import { Drop } from "../drop-reasons";
import { InvalidSampleError, PrepareError } from "../errors";
import type { ChatCompletionSample, ChatMessage, TextClassificationSample } from "../tasks/types";
import { conversationView } from "./chat-rows";
import type { FrameworkAdapter, Row } from "./types";

export const OPENAI_MIN_EXAMPLES = 10;

function checkMinimumExamples(train: readonly Row[]): void {
  if (train.length < OPENAI_MIN_EXAMPLES) {
    throw new PrepareError(
      `OpenAI fine-tuning needs at least ${OPENAI_MIN_EXAMPLES} training examples; this task gives ${train.length}. Annotate more records, widen filter_by / max_records, or raise train_size.`,
    );
  }
}

export const openaiChatCompletion: FrameworkAdapter<ChatCompletionSample> = {
  toRow(sample) {
    if (!sample.messages.some((m) => m.role === "assistant")) {
      throw new InvalidSampleError("each OpenAI training example needs at least one assistant message");
    }
    return { messages: sample.messages };
  },
  checkSplit: checkMinimumExamples,
  view: (row) => conversationView(row.messages as ChatMessage[]),
};

export const openaiClassification: FrameworkAdapter<TextClassificationSample> = {
  toRow(sample, _id, { labels }) {
    const ids = labels!.ids(sample.label); // validates the label(s)
    if (ids instanceof Drop) return ids;
    const content = typeof sample.label === "string" ? sample.label : sample.label.join(", ");
    return {
      messages: [
        { role: "user", content: sample.text },
        { role: "assistant", content },
      ],
    };
  },
  checkSplit: checkMinimumExamples,
  stratifyKey: (row) => (row.messages as ChatMessage[])[1]!.content,
  view(row) {
    const [user, assistant] = row.messages as ChatMessage[];
    return { input: user!.content, labels: assistant!.content.split(", "), texts: [["text", user!.content]] };
  },
};
