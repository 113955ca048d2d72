/** Example formatting functions that work on a dataset for a task, written with its own names. */
import type { FunctionLanguage, TaskKind } from "./builder-state";
import { conversationField, fieldFor, namesOf, promptFields } from "./dataset-names";
import type { DatasetSettings, TrainingOptions } from "./types";

const EXPECTED: Record<TaskKind, string> = {
  text_classification: "[text, label] (or [text, [label, ...]] for multi-label)",
  question_answering: "[question, context, answer]",
  sentence_similarity: '{"sentence-1", "sentence-2"[, "sentence-3"][, label]}',
  supervised_fine_tuning: "the training text",
  reward_modeling: "[chosen, rejected]",
  proximal_policy_optimization: "the query text",
  direct_preference_optimization: "[prompt, chosen, rejected]",
  chat_completion: "[chat id, turn, role, content] rows",
};

/**
 * A formatting function that works on this dataset for the task, written with its field and
 * question names, in JavaScript or TypeScript.
 */
export function exampleFunction(kind: TaskKind, settings: DatasetSettings | undefined, options: TrainingOptions, language: FunctionLanguage): string {
  const names = namesOf(settings, options);
  const questions = settings?.questions ?? [];
  const ts = language === "typescript";
  const s = (name: string) => `sample[${JSON.stringify(name)}]`;
  const r = ts ? "(response: SampleResponse)" : "(response)";
  const submitted = (q: string) => `${s(q)}.filter(${r} => response.status === "submitted")`;
  const firstSubmitted = (q: string) => `${s(q)}.find(${r} => response.status === "submitted")`;
  const fields = names.fields.length ? names.fields : ["text"];
  const first = fields[0]!;
  const last = fields[fields.length - 1]!;
  const labelQuestion = questions.find((q) => q.type === "label_selection" || q.type === "multi_label_selection" || q.type === "rating")?.name;
  const textQuestion = names.textQuestions[0];
  const ranking = names.rankings[0];
  const body: string[] = [];
  const optional = new Set(settings?.fields.filter((f) => !f.required).map((f) => f.name) ?? []);
  /** Skips records where an optional field the example reads is empty. */
  const guard = (...used: string[]) => {
    const empty = [...new Set(used)].filter((f) => optional.has(f));
    if (empty.length) body.push(`  if (${empty.map((f) => `${s(f)} == null`).join(" || ")}) return null; // optional field`);
  };
  const rankingLines = (q: string) => [
    `  const ranking = ${firstSubmitted(q)};`,
    `  if (!ranking) return null;`,
    `  // A ranking holds parallel lists: value[i] has rank[i] (1 = best). Tied ranks: skip the record.`,
    `  const { rank, value } = ranking.value;`,
    `  const best = value[rank.indexOf(Math.min(...rank))];`,
    `  const worst = value[rank.indexOf(Math.max(...rank))];`,
    `  if (Math.min(...rank) === Math.max(...rank)) return null;`,
  ];
  const answerLines = () =>
    textQuestion
      ? [`  const answer = ${firstSubmitted(textQuestion)};`, `  const response = answer ? answer.value : ${s(fields.length > 1 ? last : first)};`]
      : [`  const response = ${s(last)};`];

  switch (kind) {
    case "text_classification": {
      body.push(fields.length > 1 ? `  const text = [${fields.map(s).join(", ")}].join("\\n\\n");` : `  const text = ${s(first)};`);
      if (labelQuestion) body.push(`  return ${submitted(labelQuestion)}.map(${r} => [text, response.value]);`);
      else body.push(`  // No label question in this dataset: derive a label from the record.`, `  return [text, text.length > 200 ? "long" : "short"];`);
      break;
    }
    case "question_answering": {
      const question = fieldFor("question", fields)!;
      const context = fieldFor("context", fields, 1)!;
      guard(question, context);
      if (textQuestion) body.push(`  return ${submitted(textQuestion)}.map(${r} => [${s(question)}, ${s(context)}, response.value]);`);
      else body.push(`  // No text question holds an answer: this takes the first sentence of the context.`, `  return [${s(question)}, ${s(context)}, ${s(context)}.split(". ")[0]];`);
      break;
    }
    case "sentence_similarity": {
      const pair = `"sentence-1": ${s(first)}, "sentence-2": ${s(fields[1] ?? first)}`;
      guard(first, fields[1] ?? first);
      const similarity = questions.find((q) => q.type === "rating" || q.type === "label_selection")?.name;
      if (similarity) {
        body.push(`  const rated = ${firstSubmitted(similarity)};`, `  if (!rated) return null;`, `  return { ${pair}, label: rated.value };`);
      } else body.push(`  return { ${pair} };`);
      break;
    }
    case "supervised_fine_tuning": {
      body.push(...answerLines());
      body.push(`  return \`### Instruction:\\n\${${s(first)}}\\n\\n### Response:\\n\${response}\`;`);
      break;
    }
    case "reward_modeling":
    case "direct_preference_optimization": {
      const prompt = kind === "direct_preference_optimization" ? `${s(promptFields(names)[0] ?? first)}, ` : "";
      if (ranking) {
        body.push(...rankingLines(ranking));
        body.push(`  // The ranked items name fields here; their texts are the completions.`, `  return [${prompt}sample[best] ?? best, sample[worst] ?? worst];`);
      } else if (textQuestion) {
        body.push(`  const corrected = ${firstSubmitted(textQuestion)};`, `  if (!corrected) return null;`, `  return [${prompt}corrected.value, ${s(last)}];`);
      } else body.push(`  return [${prompt}${s(last)}, ${s(fields[fields.length - 2] ?? first)}];`);
      break;
    }
    case "proximal_policy_optimization":
      body.push(`  return ${s(promptFields(names)[0] ?? first)};`);
      break;
    case "chat_completion": {
      body.push(...answerLines());
      const conversation = conversationField(fields);
      if (conversation) {
        const message = ts ? "(message: { role: string; content: string }, turn: number)" : "(message, turn)";
        body.push(
          `  // ${JSON.stringify(conversation)} holds the chat so far, a JSON list of {role, content}; one chat per record (id 0).`,
          `  const turns = JSON.parse(${s(conversation)}).map(${message} => [0, turn, message.role, message.content]);`,
          `  return [...turns, [0, turns.length, "assistant", response]];`,
        );
      } else {
        body.push(`  // One conversation per record (chat id 0): turns in order.`, `  return [`, `    [0, 0, "user", ${s(first)}],`, `    [0, 1, "assistant", response],`, `  ];`);
      }
      break;
    }
  }

  const header = [
    `// Called once per record with Argilla's sample: each field's text by name and, per question,`,
    `// a list of responses {user_id, value, status} (every status: filter them yourself).`,
    `// Return ${EXPECTED[kind]}, a list of them, or null to skip the record.`,
  ];
  const types = ts ? [`type SampleResponse = { user_id: string | null; value: any; status: string };`, `type Sample = Record<string, any>;`, ``] : [];
  return [...header, ...types, `function formatting_func(sample${ts ? ": Sample" : ""}) {`, ...body, `}`, ``].join("\n");
}
