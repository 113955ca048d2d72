"use client";
/**
 * One template slot: text with {placeholder} chips that insert at the caret, the item of a
 * ranking at a rank ("best"/"worst"/n), or a fallback chain written as JSON.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { cx } from "~/components/ui";
import type { TemplateSpec } from "./builder-state";
import { insertAt, placeholder, specKind } from "./task-editing";
import { selectBase, textareaClass } from "./controls";

export interface PlaceholderInfo {
  name: string;
  kind: "field" | "question";
  title?: string;
}

/** Chips that insert `{name}` into a text control. */
export function PlaceholderChips({ placeholders, target, onInsert }: { placeholders: PlaceholderInfo[]; target: string; onInsert: (token: string) => void }) {
  return (
    <div className="flex flex-wrap gap-1" role="group" aria-label={`Placeholders for ${target}`}>
      {placeholders.map((p) => (
        <button
          key={p.name}
          type="button"
          // keep the caret in the text area: insert at its selection
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onInsert(placeholder(p.name))}
          aria-label={`Insert {${p.name}} into ${target}`}
          title={`${p.kind === "field" ? "Field" : "Question"}${p.title ? `: ${p.title}` : ""}`}
          className={cx(
            "rounded px-1.5 py-0.5 font-mono text-[11px] ring-1 ring-inset transition-colors",
            p.kind === "field" ? "bg-sky-50 text-sky-800 ring-sky-200 hover:bg-sky-100" : "bg-violet-50 text-violet-800 ring-violet-200 hover:bg-violet-100",
          )}
        >
          {placeholder(p.name)}
        </button>
      ))}
    </div>
  );
}

/** A text area whose chips insert at the caret (or replace the selection). */
export function TemplateTextArea({
  label,
  value,
  onChange,
  placeholders,
  rows = 2,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholders: PlaceholderInfo[];
  rows?: number;
}) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const pendingCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (pendingCaret.current !== null && ref.current) {
      ref.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = null;
    }
  });
  const insert = (token: string) => {
    const el = ref.current;
    const focused = el !== null && document.activeElement === el;
    const start = focused ? el.selectionStart : value.length;
    const end = focused ? el.selectionEnd : value.length;
    const next = insertAt(value, token, start, end);
    pendingCaret.current = next.caret;
    onChange(next.text);
    el?.focus();
  };
  return (
    <div className="space-y-1">
      <textarea
        ref={ref}
        aria-label={label}
        value={value}
        rows={Math.max(rows, Math.min(8, value.split("\n").length))}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
        className={textareaClass}
      />
      <PlaceholderChips placeholders={placeholders} target={label.replace(/ template$/, "")} onInsert={insert} />
    </div>
  );
}

/** A JSON editor for specs the form has no widget for (fallback chains); applies valid JSON only. */
function JsonSpecEditor({ label, spec, onChange }: { label: string; spec: TemplateSpec | undefined; onChange: (spec: TemplateSpec) => void }) {
  const text = JSON.stringify(spec ?? { first_of: ["{a}", "{b}"] }, null, 2);
  const [draft, setDraft] = useState(text);
  const [error, setError] = useState<string | null>(null);
  const lastApplied = useRef(text);
  useEffect(() => {
    if (text !== lastApplied.current) {
      lastApplied.current = text;
      setDraft(text);
      setError(null);
    }
  }, [text]);
  return (
    <div className="space-y-1">
      <textarea
        aria-label={label}
        value={draft}
        rows={Math.min(10, draft.split("\n").length + 1)}
        spellCheck={false}
        onChange={(e) => {
          setDraft(e.target.value);
          try {
            const parsed = JSON.parse(e.target.value) as TemplateSpec;
            setError(null);
            lastApplied.current = JSON.stringify(parsed, null, 2);
            onChange(parsed);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
        className={cx(textareaClass, error && "border-rose-400 focus:border-rose-500 focus:ring-rose-500")}
      />
      {error ? (
        <p className="text-[11px] text-rose-700">Not valid JSON yet: {error}</p>
      ) : (
        <p className="text-[11px] text-slate-500">
          A string, <code>{'{"first_of": [...]}'}</code> (the first alternative whose placeholders all have a value) or{" "}
          <code>{'{"from_ranking": q, "rank": "best"}'}</code>.
        </p>
      )}
    </div>
  );
}

const SOURCE_TEXT = "text";
const SOURCE_JSON = "json";

/** A template slot with its source select: text template, from a ranking, or JSON. */
export function TemplateSlotEditor({
  name,
  description,
  spec,
  onChange,
  placeholders,
  rankings,
  rankingValues,
  bare,
}: {
  name: string;
  /** Inside another box (a chat message): no border, the legend for screen readers only. */
  bare?: boolean;
  description?: string;
  spec: TemplateSpec | undefined;
  onChange: (spec: TemplateSpec) => void;
  placeholders: PlaceholderInfo[];
  rankings: string[];
  rankingValues: Map<string, string[]>;
}) {
  const kind = specKind(spec);
  const ranking = kind === "ranking" ? (spec as { from_ranking: string; rank: "best" | "worst" | number }) : null;
  const source = kind === "text" ? SOURCE_TEXT : kind === "json" ? SOURCE_JSON : `ranking:${ranking!.from_ranking}`;
  const changeSource = (next: string) => {
    if (next === SOURCE_TEXT) onChange(typeof spec === "string" ? spec : placeholder(placeholders[0]?.name ?? "text"));
    else if (next === SOURCE_JSON) onChange({ first_of: [typeof spec === "string" ? spec : placeholder(placeholders[0]?.name ?? "text")] });
    else onChange({ from_ranking: next.slice("ranking:".length), rank: ranking?.rank ?? (name === "rejected" ? "worst" : "best") });
  };
  const positions = ranking ? (rankingValues.get(ranking.from_ranking)?.length ?? 2) : 0;
  return (
    <fieldset className={bare ? "min-w-0 space-y-1.5" : "min-w-0 space-y-1.5 rounded-md border border-slate-200 bg-slate-50/60 p-2"}>
      <legend className={bare ? "sr-only" : "px-1 font-mono text-xs font-semibold text-slate-800"}>{name}</legend>
      {description && <p className="-mt-1 text-[11px] leading-snug text-slate-500">{description}</p>}
      <div className="flex gap-2">
        <select aria-label={`${name} source`} value={source} onChange={(e) => changeSource(e.target.value)} className={cx(selectBase, "min-w-0 flex-1 text-xs")}>
          <option value={SOURCE_TEXT}>Text template</option>
          {rankings.map((q) => (
            <option key={q} value={`ranking:${q}`}>
              From ranking “{q}”
            </option>
          ))}
          <option value={SOURCE_JSON}>Fallback chain / JSON</option>
        </select>
        {ranking && (
          <select
            aria-label={`${name} rank`}
            value={String(ranking.rank)}
            onChange={(e) => {
              const v = e.target.value;
              onChange({ from_ranking: ranking.from_ranking, rank: v === "best" || v === "worst" ? v : Number(v) });
            }}
            className={cx(selectBase, "w-24 shrink-0 text-xs")}
          >
            <option value="best">best</option>
            <option value="worst">worst</option>
            {Array.from({ length: positions }, (_, i) => (
              <option key={i + 1} value={String(i + 1)}>
                rank {i + 1}
              </option>
            ))}
          </select>
        )}
      </div>
      {kind === "text" && <TemplateTextArea label={`${name} template`} value={(spec as string | undefined) ?? ""} onChange={onChange} placeholders={placeholders} />}
      {ranking && (
        <p className="text-[11px] leading-snug text-slate-500">
          The item ranked <strong>{String(ranking.rank)}</strong> in the unified “{ranking.from_ranking}” ranking; an item naming a field gives that field’s
          text. Tied ranks drop the record (<code>ambiguous_ranking</code>).
        </p>
      )}
      {kind === "json" && <JsonSpecEditor label={`${name} JSON`} spec={spec} onChange={onChange} />}
    </fieldset>
  );
}
