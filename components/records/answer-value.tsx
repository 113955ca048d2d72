/**
 * One answer (a response value or a suggestion) displayed for its question type: labels as
 * chips (dict labels show their title), rankings as ordered lists, ratings as numbers, text as
 * pre-wrapped text (Markdown when the question says so), spans as label + covered text.
 */
import type { QuestionSettings, RankingItem, ResponseValue, SpanItem } from "~/server/feedback/schema";
import { Markdown } from "~/components/markdown";
import { optionTitle } from "~/components/question-options";
import { Chip } from "~/components/ui";

export function AnswerValue({ question, value, fieldText }: { question: QuestionSettings | undefined; value: ResponseValue; fieldText?: string | null }) {
  if (!question) return <code className="text-xs">{JSON.stringify(value)}</code>;
  switch (question.type) {
    case "label_selection":
      return <LabelChip question={question} value={String(value)} />;
    case "multi_label_selection":
      return (
        <span className="flex flex-wrap gap-1">
          {(value as string[]).length === 0 && <span className="text-xs text-slate-400">none</span>}
          {(value as string[]).map((label) => (
            <LabelChip key={label} question={question} value={label} />
          ))}
        </span>
      );
    case "rating":
      return <span className="font-mono text-sm font-semibold tabular-nums text-slate-900">{String(value)}</span>;
    case "ranking":
      return <RankingList question={question} items={value as RankingItem[]} />;
    case "text":
      return question.use_markdown ? <Markdown>{String(value)}</Markdown> : <p className="whitespace-pre-wrap break-words text-sm text-slate-800">{String(value)}</p>;
    case "span":
      return <SpanList question={question} spans={value as SpanItem[]} fieldText={fieldText} />;
  }
}

function LabelChip({ question, value }: { question: QuestionSettings; value: string }) {
  const title = optionTitle(question, value);
  return (
    <Chip tone="indigo" title={title !== value ? value : undefined}>
      {title}
    </Chip>
  );
}

/** Rank 1 first; items without a rank last, in their stored order. */
function RankingList({ question, items }: { question: QuestionSettings; items: RankingItem[] }) {
  const ordered = [...items].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
  return (
    <ol className="space-y-0.5 text-sm">
      {ordered.map((item) => (
        <li key={item.value} className="flex items-baseline gap-2">
          <span className="w-5 shrink-0 text-right font-mono text-xs text-slate-500">{item.rank ?? "–"}.</span>
          <span>{optionTitle(question, item.value)}</span>
        </li>
      ))}
    </ol>
  );
}

function SpanList({ question, spans, fieldText }: { question: QuestionSettings; spans: SpanItem[]; fieldText?: string | null }) {
  if (spans.length === 0) return <span className="text-xs text-slate-400">no spans</span>;
  return (
    <ul className="space-y-0.5 text-sm">
      {spans.map((span) => (
        <li key={`${span.start}-${span.end}-${span.label}`} className="flex items-baseline gap-2">
          <LabelChip question={question} value={span.label} />
          <span className="font-mono text-xs text-slate-600">
            {fieldText ? `“${fieldText.slice(span.start, span.end)}”` : ""} [{span.start}–{span.end}]
          </span>
        </li>
      ))}
    </ul>
  );
}

/** A suggestion score: 0.87, or one number per item for multi-label/ranking/span suggestions. */
export function formatScore(score: number | number[] | null): string | null {
  if (score === null) return null;
  const one = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
  return Array.isArray(score) ? score.map(one).join(", ") : one(score);
}
