"use client";
/** The records view's controls: search, annotator/status/suggestion/metadata filters, sort. */
import { useState, type ReactNode } from "react";
import type { RecordFilter } from "~/server/feedback/record-query";
import { RESPONSE_STATUSES, STATUS_FILTERS, type DatasetSettings, type MetadataProperty } from "~/server/feedback/schema";
import { DebouncedInput } from "~/components/debounced-input";
import { MultiSelect } from "~/components/multi-select";
import { shortUserId } from "~/components/format";
import type { Annotator } from "~/components/types";
import { buttonStyle, cx, inputClass } from "~/components/ui";
import { isFiltered, type RecordView } from "./use-record-view";

type QuestionStatus = NonNullable<RecordFilter["questionStatus"]>[number];
const selectClass = cx(inputClass, "pr-7");

export function FilterBar({ settings, annotators, view }: { settings: DatasetSettings; annotators: Annotator[]; view: RecordView }) {
  const { filter, setFilter } = view;
  const metadata = settings.metadata_properties ?? [];
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm" role="search" aria-label="Record filters">
      <div className="flex flex-wrap items-end gap-2">
        <Control caption="Search" className="min-w-64 flex-1">
          <DebouncedInput
            type="search"
            aria-label="Search records"
            placeholder='words, "a phrase", -excluded'
            className={cx(inputClass, "w-full")}
            value={filter.search ?? ""}
            onCommit={(search) => setFilter({ search })}
          />
        </Control>
        <SortControls settings={settings} view={view} />
      </div>

      <div className="flex flex-wrap items-end gap-2">
        <Control caption="Annotators">
          <MultiSelect
            label="Annotators"
            options={annotators.map((a) => ({ value: String(a.id), label: shortUserId(a.userId), hint: `${a.responseCount}` }))}
            selected={(filter.annotators ?? []).map(String)}
            onChange={(ids) => setFilter({ annotators: ids.map(Number) })}
          />
        </Control>
        <Control caption="Their response">
          <select
            aria-label="Annotator response status"
            className={selectClass}
            value={filter.annotatorStatus ?? ""}
            onChange={(e) => setFilter({ annotatorStatus: (e.target.value || undefined) as RecordFilter["annotatorStatus"] })}
          >
            <option value="">any status</option>
            {RESPONSE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Control>
        <QuestionStatusControls settings={settings} conditions={filter.questionStatus ?? []} onChange={(questionStatus) => setFilter({ questionStatus })} />
        <Control caption="Suggestions">
          <SuggestionSelect settings={settings} value={filter.suggestion} onChange={(suggestion) => setFilter({ suggestion })} />
        </Control>
      </div>

      {metadata.length > 0 && (
        <div className="flex flex-wrap items-end gap-2 border-t border-slate-100 pt-3">
          {metadata.map((property) => (
            <MetadataFilter key={property.name} property={property} filter={filter} setFilter={setFilter} />
          ))}
        </div>
      )}

      {isFiltered(filter) && (
        <button type="button" className={buttonStyle({ size: "sm" })} onClick={view.clear}>
          Clear filters
        </button>
      )}
    </div>
  );
}

/** A caption above a control. Controls carry their own aria-label; the caption is visual. */
function Control({ caption, className, children }: { caption: string; className?: string; children: ReactNode }) {
  return (
    <div className={cx("flex flex-col gap-1", className)}>
      <span aria-hidden className="text-[11px] font-medium uppercase tracking-wide text-slate-500">
        {caption}
      </span>
      {children}
    </div>
  );
}

function SortControls({ settings, view }: { settings: DatasetSettings; view: RecordView }) {
  const { sort, setSort } = view;
  return (
    <>
      <Control caption="Sort by">
        <select aria-label="Sort by" className={selectClass} value={sort.by} onChange={(e) => setSort({ ...sort, by: e.target.value })}>
          <option value="index">insertion order</option>
          {(settings.metadata_properties ?? []).map((p) => (
            <option key={p.name} value={p.name}>
              {p.title || p.name}
            </option>
          ))}
        </select>
      </Control>
      <Control caption="Order">
        <select aria-label="Sort order" className={selectClass} value={sort.order} onChange={(e) => setSort({ ...sort, order: e.target.value as "asc" | "desc" })}>
          <option value="asc">ascending</option>
          <option value="desc">descending</option>
        </select>
      </Control>
    </>
  );
}

/**
 * Per-question response status conditions (all must hold). A blank row is shown when there are
 * none (or after "+"): it becomes a condition once it has a status; "any status" removes one.
 */
function QuestionStatusControls({ settings, conditions, onChange }: { settings: DatasetSettings; conditions: QuestionStatus[]; onChange: (c: QuestionStatus[]) => void }) {
  const [extraRow, setExtraRow] = useState(false);
  const [blankQuestion, setBlankQuestion] = useState<string | undefined>(undefined);
  const showBlank = conditions.length === 0 || extraRow;
  const rows: Partial<QuestionStatus>[] = showBlank ? [...conditions, { question: blankQuestion }] : conditions;
  const update = (position: number, next: Partial<QuestionStatus>) => {
    if (showBlank && position === conditions.length && !next.status) return setBlankQuestion(next.question);
    const updated = rows.map((row, i) => (i === position ? next : row)).filter((row): row is QuestionStatus => row.status !== undefined);
    setExtraRow(false);
    setBlankQuestion(undefined);
    onChange(updated);
  };
  return (
    <Control caption="Response status">
      <div className="flex flex-col gap-1">
        {rows.map((row, i) => {
          const suffix = i === 0 ? "" : ` ${i + 1}`;
          return (
            <div key={i} className="flex items-center gap-1">
              <select
                aria-label={`Response status question${suffix}`}
                className={selectClass}
                value={row.question ?? ""}
                onChange={(e) => update(i, { ...row, question: e.target.value || undefined })}
              >
                <option value="">any question</option>
                {settings.questions.map((q) => (
                  <option key={q.name} value={q.name}>
                    {q.title || q.name}
                  </option>
                ))}
              </select>
              <select
                aria-label={`Response status${suffix}`}
                className={selectClass}
                value={row.status ?? ""}
                onChange={(e) => update(i, { ...row, status: (e.target.value || undefined) as QuestionStatus["status"] | undefined })}
              >
                <option value="">any status</option>
                {STATUS_FILTERS.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
              {!showBlank && i === rows.length - 1 && conditions.length < 5 && (
                <button type="button" className={buttonStyle({ size: "sm" })} aria-label="Add a response status condition" onClick={() => setExtraRow(true)}>
                  +
                </button>
              )}
            </div>
          );
        })}
      </div>
    </Control>
  );
}

const SUGGESTION_ANY = "";
const SUGGESTION_SOME = "__some";
const SUGGESTION_NONE = "__none";

function SuggestionSelect({ settings, value, onChange }: { settings: DatasetSettings; value: RecordFilter["suggestion"]; onChange: (v: RecordFilter["suggestion"]) => void }) {
  const selected = value === undefined ? SUGGESTION_ANY : value === true ? SUGGESTION_SOME : value === false ? SUGGESTION_NONE : `q:${value}`;
  const choose = (option: string) =>
    onChange(option === SUGGESTION_ANY ? undefined : option === SUGGESTION_SOME ? true : option === SUGGESTION_NONE ? false : option.slice(2));
  return (
    <select aria-label="Has suggestion" className={selectClass} value={selected} onChange={(e) => choose(e.target.value)}>
      <option value={SUGGESTION_ANY}>any</option>
      <option value={SUGGESTION_SOME}>with a suggestion</option>
      {settings.questions.map((q) => (
        <option key={q.name} value={`q:${q.name}`}>
          with a suggestion for {q.title || q.name}
        </option>
      ))}
      <option value={SUGGESTION_NONE}>without suggestions</option>
    </select>
  );
}

function MetadataFilter({ property, filter, setFilter }: { property: MetadataProperty; filter: RecordFilter; setFilter: RecordView["setFilter"] }) {
  const title = property.title || property.name;
  if (property.type === "terms") {
    const selected = filter.metadataTerms?.[property.name] ?? [];
    const setTerms = (values: string[]) => setFilter({ metadataTerms: { ...filter.metadataTerms, [property.name]: values } });
    return (
      <Control caption={title}>
        {property.values ? (
          <MultiSelect label={title} options={property.values.map((v) => ({ value: v, label: v }))} selected={selected} onChange={setTerms} />
        ) : (
          // No declared values: match one typed value.
          <DebouncedInput aria-label={`${title} equals`} placeholder="equals…" className={cx(inputClass, "w-36")} value={selected[0] ?? ""} onCommit={(v) => setTerms(v.trim() ? [v.trim()] : [])} />
        )}
      </Control>
    );
  }
  const range = filter.metadataRange?.[property.name] ?? {};
  const setBound = (bound: "min" | "max", text: string) => {
    const number = text.trim() === "" ? undefined : Number(text);
    if (number !== undefined && !Number.isFinite(number)) return;
    setFilter({ metadataRange: { ...filter.metadataRange, [property.name]: { ...range, [bound]: number } } });
  };
  const step = property.type === "integer" ? 1 : "any";
  return (
    <Control caption={title}>
      <div className="flex items-center gap-1">
        {(["min", "max"] as const).map((bound, i) => (
          <span key={bound} className="contents">
            {i === 1 && <span aria-hidden className="text-slate-400">–</span>}
            <DebouncedInput
              type="number"
              step={step}
              aria-label={`${title} ${bound}`}
              placeholder={property[bound] !== null ? String(property[bound]) : bound}
              className={cx(inputClass, "w-24")}
              value={range[bound]?.toString() ?? ""}
              onCommit={(v) => setBound(bound, v)}
            />
          </span>
        ))}
      </div>
    </Control>
  );
}
