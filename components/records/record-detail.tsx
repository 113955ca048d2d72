"use client";
/** The body of the record page: fields, responses per question with agreement and suggestions, metadata. */
import type { DatasetSettings, QuestionSettings, Suggestion } from "~/server/feedback/schema";
import { questionAgreement } from "~/components/agreement";
import { AgreementBadge, StatusBadge } from "~/components/badges";
import { formatCount, shortUserId } from "~/components/format";
import { Markdown } from "~/components/markdown";
import { QUESTION_TYPE_NAMES } from "~/components/datasets/settings-panel";
import type { BrowsedRecord } from "~/components/types";
import { Chip, EmptyState, Section } from "~/components/ui";
import { AnswerValue, formatScore } from "./answer-value";
import { formatMetadataValue } from "./record-summary";

export function RecordDetail({ settings, record }: { settings: DatasetSettings; record: BrowsedRecord }) {
  return (
    <div className="grid items-start gap-4 lg:grid-cols-2">
      <div className="space-y-4">
        <FieldsSection settings={settings} record={record} />
        <MetadataSection settings={settings} record={record} />
      </div>
      <ResponsesSection settings={settings} record={record} />
    </div>
  );
}

function FieldsSection({ settings, record }: { settings: DatasetSettings; record: BrowsedRecord }) {
  return (
    <Section id="fields" title="Fields">
      <dl className="space-y-4">
        {settings.fields.map((field) => {
          const text = record.fields[field.name];
          return (
            <div key={field.name}>
              <dt className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{field.title || field.name}</dt>
              <dd className="text-sm text-slate-800">
                {text === null || text === undefined ? (
                  <span className="text-xs italic text-slate-400">missing</span>
                ) : field.use_markdown ? (
                  <Markdown>{text}</Markdown>
                ) : (
                  <p className="whitespace-pre-wrap break-words">{text}</p>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
    </Section>
  );
}

/** Every annotator with their status, then one block per question: answers, agreement, suggestion. */
function ResponsesSection({ settings, record }: { settings: DatasetSettings; record: BrowsedRecord }) {
  const suggestions = new Map(record.suggestions.map((s) => [s.question, s]));
  return (
    <Section id="responses" title="Responses" actions={<span className="text-xs text-slate-500">{formatCount(record.responses.length, "annotator")}</span>}>
      {record.responses.length > 0 ? (
        <ul aria-label="Annotators" className="mb-4 flex flex-wrap gap-2">
          {record.responses.map((response) => (
            <li key={response.annotatorId} className="flex items-center gap-1 rounded-md border border-slate-200 px-2 py-1 text-xs">
              <span className="font-mono text-slate-700" title={response.userId ?? undefined}>
                {shortUserId(response.userId)}
              </span>
              <StatusBadge status={response.status} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="mb-4 text-sm text-slate-500">No responses yet (pending).</p>
      )}
      <div className="space-y-3">
        {settings.questions.map((question) => (
          <QuestionAnswers key={question.name} question={question} record={record} suggestion={suggestions.get(question.name)} fieldText={fieldTextFor(question, record)} />
        ))}
      </div>
    </Section>
  );
}

function fieldTextFor(question: QuestionSettings, record: BrowsedRecord): string | null {
  return question.type === "span" ? (record.fields[question.field] ?? null) : null;
}

function QuestionAnswers({ question, record, suggestion, fieldText }: { question: QuestionSettings; record: BrowsedRecord; suggestion?: Suggestion; fieldText: string | null }) {
  const agreement = questionAgreement(record.responses, question.name);
  const answers = record.responses.filter((r) => r.values[question.name] !== undefined);
  const detail = agreement.answers >= 2 ? ` ${agreement.topCount}/${agreement.answers}` : undefined;
  return (
    <article aria-label={`Question ${question.title || question.name}`} className="rounded-md border border-slate-200">
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 bg-slate-50 px-3 py-1.5">
        <h3 className="text-sm font-medium text-slate-800">{question.title || question.name}</h3>
        <span className="text-xs text-slate-400">{QUESTION_TYPE_NAMES[question.type]}</span>
        <span className="ml-auto">
          <AgreementBadge level={agreement.level} detail={detail} />
        </span>
      </header>
      <table className="w-full text-sm">
        <tbody className="divide-y divide-slate-100">
          {answers.map((response) => (
            <tr key={response.annotatorId} className="align-top">
              <th scope="row" className="w-40 whitespace-nowrap px-3 py-1.5 text-left font-normal">
                <span className="mr-1.5 font-mono text-xs text-slate-600">{shortUserId(response.userId)}</span>
                <StatusBadge status={response.status} />
              </th>
              <td className="px-3 py-1.5">
                <AnswerValue question={question} value={response.values[question.name]} fieldText={fieldText} />
              </td>
            </tr>
          ))}
          {answers.length === 0 && (
            <tr>
              <td colSpan={2} className="px-3 py-1.5 text-xs text-slate-400">
                No answers
              </td>
            </tr>
          )}
          {suggestion && <SuggestionRow question={question} suggestion={suggestion} fieldText={fieldText} />}
        </tbody>
      </table>
    </article>
  );
}

function SuggestionRow({ question, suggestion, fieldText }: { question: QuestionSettings; suggestion: Suggestion; fieldText: string | null }) {
  const score = formatScore(suggestion.score);
  return (
    <tr className="bg-indigo-50/40 align-top" data-testid="suggestion">
      <th scope="row" className="w-40 px-3 py-1.5 text-left font-normal">
        <Chip tone="indigo">suggestion</Chip>
      </th>
      <td className="space-y-1 px-3 py-1.5">
        <AnswerValue question={question} value={suggestion.value} fieldText={fieldText} />
        <p className="text-xs text-slate-500">
          {score !== null && (
            <>
              score <span className="font-mono text-slate-700">{score}</span>
            </>
          )}
          {suggestion.agent && (
            <>
              {score !== null && " · "}agent <span className="font-mono text-slate-700">{suggestion.agent}</span>
            </>
          )}
          {suggestion.type && <> · {suggestion.type}</>}
        </p>
      </td>
    </tr>
  );
}

/** Each value under its property's title (as the filters show it), the key beside it when they differ. */
function MetadataSection({ settings, record }: { settings: DatasetSettings; record: BrowsedRecord }) {
  const titles = new Map((settings.metadata_properties ?? []).map((property) => [property.name, property.title || property.name]));
  const entries = Object.entries(record.metadata);
  return (
    <Section id="metadata" title="Metadata">
      {entries.length === 0 ? (
        <EmptyState>No metadata</EmptyState>
      ) : (
        <table className="w-full text-sm">
          <tbody className="divide-y divide-slate-100">
            {entries.map(([key, value]) => (
              <tr key={key}>
                <th scope="row" className="w-1/3 py-1 pr-3 text-left text-xs font-normal text-slate-600">
                  {titles.get(key) ?? key}
                  {titles.get(key) !== undefined && titles.get(key) !== key && <span className="ml-1.5 font-mono text-slate-400">{key}</span>}
                </th>
                <td className="break-all py-1 font-mono text-xs text-slate-800">{formatMetadataValue(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
