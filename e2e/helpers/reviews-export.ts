/**
 * A small Argilla export written by the tests themselves ("reviews"), with every case the records
 * browser shows: three annotators with submitted/draft/discarded responses, a pending record,
 * dict labels, multi-labels, a ranking, a rating, free text, suggestions, Markdown and metadata.
 *
 * Responses to "quality" (s = submitted, d = draft, x = discarded, - = none):
 *
 *   idx  ann-a     ann-b     ann-c     submitted agreement
 *    0   s good    s good    x bad     unanimous
 *    1   s good    d good    -         single
 *    2   s bad     s good    -         split
 *    3   s good    d good    x bad     single
 *    4   s good    s good    s bad     majority (2/3)
 *    5   -         d bad     -         none
 *    6   s bad     s bad     s bad     unanimous
 *    7   s good    -         -         single
 *    8   -         -         -         none (pending)
 *    9   s good    s bad     s good    majority (2/3)
 *
 * Even records carry a model suggestion for "quality" (score 0.87, agent clf-v2).
 */
import { dump } from "js-yaml";
import { buildZip } from "../../server/feedback/test-helpers";

export const ANNOTATORS = {
  a: "aaaaaaaa-1111-4111-8111-111111111111",
  b: "bbbbbbbb-2222-4222-8222-222222222222",
  c: "cccccccc-3333-4333-8333-333333333333",
} as const;
type Who = keyof typeof ANNOTATORS;
type Answer = { status: "submitted" | "draft" | "discarded"; quality: "good" | "bad" };

const s = (quality: Answer["quality"]): Answer => ({ status: "submitted", quality });
const d = (quality: Answer["quality"]): Answer => ({ status: "draft", quality });
const x = (quality: Answer["quality"]): Answer => ({ status: "discarded", quality });

const QUALITY: Partial<Record<Who, Answer>>[] = [
  { a: s("good"), b: s("good"), c: x("bad") },
  { a: s("good"), b: d("good") },
  { a: s("bad"), b: s("good") },
  { a: s("good"), b: d("good"), c: x("bad") },
  { a: s("good"), b: s("good"), c: s("bad") },
  { b: d("bad") },
  { a: s("bad"), b: s("bad"), c: s("bad") },
  { a: s("good") },
  {},
  { a: s("good"), b: s("bad"), c: s("good") },
];

export const SOURCES = ["web", "mail", "chat"] as const;

const SETTINGS = {
  allow_extra_metadata: true,
  fields: [
    { name: "prompt", title: "Prompt", required: true, type: "text", use_markdown: true },
    { name: "reply", title: "Reply", required: true, type: "text", use_markdown: false },
  ],
  guidelines: "# Review guidelines\n\nRate **each** reply for quality.\n\n- *good*: helpful\n- *bad*: wrong or rude",
  metadata_properties: [
    { name: "source", title: "Source", type: "terms", values: [...SOURCES], visible_for_annotators: true },
    { name: "length", title: "Length", type: "integer", min: 0, max: 1000, visible_for_annotators: true },
  ],
  questions: [
    { name: "quality", title: "Quality", description: "Is the reply good?", required: true, type: "label_selection", labels: { good: "Good reply", bad: "Bad reply" }, visible_labels: null },
    { name: "topics", title: "Topics", description: null, required: false, type: "multi_label_selection", labels: ["billing", "shipping", "returns"], labels_order: "natural", visible_labels: null },
    { name: "score", title: "Score", description: null, required: false, type: "rating", values: [1, 2, 3, 4, 5] },
    { name: "preference", title: "Preference", description: null, required: false, type: "ranking", values: ["reply-a", "reply-b"] },
    { name: "note", title: "Note", description: null, required: false, type: "text", use_markdown: false },
  ],
  vectors_settings: null,
};

/** Extra answers on record 4, so its page shows every question type. */
const RECORD_4_EXTRAS: Record<string, { user: Who; value: unknown }[]> = {
  topics: [
    { user: "a", value: ["billing", "returns"] },
    { user: "b", value: ["returns", "billing"] },
  ],
  score: [
    { user: "a", value: 4 },
    { user: "b", value: 5 },
  ],
  preference: [{ user: "a", value: [{ value: "reply-b", rank: 1 }, { value: "reply-a", rank: 2 }] }],
  note: [{ user: "c", value: "Too short.\nNeeds an apology." }],
};

function row(index: number): Record<string, unknown> {
  const answers = QUALITY[index];
  const statusOf = (user: Who) => answers[user]?.status ?? "submitted";
  const out: Record<string, unknown> = {
    prompt: `**Customer ${index}** asks about order #${1000 + index}`,
    reply: `Reply number ${index}: thanks for writing, we are on it.`,
  };
  for (const question of SETTINGS.questions) {
    const responses =
      question.name === "quality"
        ? Object.entries(answers).map(([user, answer]) => ({ user_id: ANNOTATORS[user as Who], value: answer.quality, status: answer.status }))
        : index === 4
          ? (RECORD_4_EXTRAS[question.name] ?? []).map(({ user, value }) => ({ user_id: ANNOTATORS[user], value, status: statusOf(user) }))
          : [];
    out[question.name] = responses;
    const suggested = question.name === "quality" && index % 2 === 0;
    out[`${question.name}-suggestion`] = suggested ? "good" : null;
    out[`${question.name}-suggestion-metadata`] = suggested ? { type: "model", score: 0.87, agent: "clf-v2" } : { type: null, score: null, agent: null };
  }
  out.external_id = `review-${index}`;
  out.metadata = JSON.stringify({ source: SOURCES[index % 3], length: index * 10 });
  return out;
}

export const RECORD_COUNT = QUALITY.length;

/** The export's files, relative path → content. `breakLine` replaces that 1-based data line. */
export function reviewsExportFiles(options: { breakLine?: number } = {}): Record<string, string> {
  const lines = QUALITY.map((_, i) => JSON.stringify(row(i)));
  if (options.breakLine) lines[options.breakLine - 1] = '{"prompt": "unterminated';
  return {
    "argilla.yaml": dump(SETTINGS, { sortKeys: true }),
    "data/train.jsonl": lines.join("\n") + "\n",
  };
}

export function reviewsExportZip(options: { breakLine?: number } = {}): Buffer {
  return buildZip(Object.entries(reviewsExportFiles(options)).map(([name, data]) => ({ name, data, deflate: true })));
}
