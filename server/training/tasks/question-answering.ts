/**
 * TrainingTask.for_question_answering(question, context, answer | formatting_func).
 * Sample: {question, context, answer}. The defaults unify the answer (a text question) with
 * disagreement: one sample per submitted answer (Argilla keeps only the last one).
 */
import { asText, asTuple } from "./coerce";
import { declarativeTask } from "./declarative";
import { fieldNames, questionNames, templateSlot, type TaskDefinition } from "./definition";
import { functionTask, type FunctionOutputContract } from "./formatting-function";
import { answerSlot, compileSpec, fieldSlot, type CompiledSlot } from "./template";
import type { QuestionAnsweringSample } from "./types";

const functionOutput: FunctionOutputContract<QuestionAnsweringSample, QuestionAnsweringSample> = {
  expected: "[question, context, answer], or a list of them",
  tuple: true,
  coerce(item) {
    const [question, context, answer] = asTuple(item, 3, "[question, context, answer]");
    return { question: asText(question, "question"), context: asText(context, "context"), answer: asText(answer, "answer") };
  },
  collect: (items) => items,
};

export const questionAnswering: TaskDefinition<"question_answering"> = {
  kind: "question_answering",
  title: "Question answering (extractive)",
  async compile(task, dataset, options) {
    if (task.mode === "function") {
      return functionTask("question_answering", task.formatting_func, dataset.settings, functionOutput, options);
    }
    const problems: string[] = [];
    let slots: Record<string, CompiledSlot | undefined>;
    if (task.mode === "default") {
      slots = {
        question: fieldSlot(task.question, dataset, problems, "question"),
        context: fieldSlot(task.context, dataset, problems, "context"),
        answer: answerSlot(task.answer, dataset, problems, "answer", ["text"]),
      };
    } else {
      const { template } = task;
      slots = {
        question: { kind: "text", spec: compileSpec(template.question, dataset, problems, "template.question") },
        context: { kind: "text", spec: compileSpec(template.context, dataset, problems, "template.context") },
        answer: { kind: "text", spec: compileSpec(template.answer, dataset, problems, "template.answer") },
      };
    }
    return declarativeTask(
      {
        kind: "question_answering",
        slots,
        responses: task.mode === "default" ? "unified" : task.responses,
        strategies: task.mode === "template" ? task.strategies ?? {} : {},
        seed: task.seed,
        dedup: task.mode === "default",
        build: (v) => ({ question: v.question as string, context: v.context as string, answer: String(v.answer) }),
      },
      dataset,
      problems,
    );
  },
  defaultSlots: (dataset) => [
    { slot: "question", accepts: "field", required: true, candidates: fieldNames(dataset), description: "The question" },
    { slot: "context", accepts: "field", required: true, candidates: fieldNames(dataset), description: "The passage holding the answer" },
    {
      slot: "answer",
      accepts: "question",
      required: true,
      candidates: questionNames(dataset, ["text"]),
      description: "A text question whose responses are answer spans copied from the context",
    },
  ],
  templateSlots: (dataset) => [
    templateSlot("template.question", dataset, "The question"),
    templateSlot("template.context", dataset, "The passage holding the answer"),
    templateSlot("template.answer", dataset, "The answer span"),
  ],
};
