"use client";
/**
 * A compact multi-select: a button that summarises the choice and opens a checkbox list. Native
 * checkboxes keep it accessible (each option is a labelled checkbox inside a named group).
 */
import { useEffect, useId, useRef, useState } from "react";
import { cx, inputClass } from "./ui";

export interface Option {
  value: string;
  label: string;
  /** Secondary text, e.g. a count. */
  hint?: string;
}

export function MultiSelect({ label, options, selected, onChange, emptyText = "any" }: { label: string; options: Option[]; selected: string[]; onChange: (values: string[]) => void; emptyText?: string }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const listId = useId();

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);

  const chosen = options.filter((o) => selected.includes(o.value));
  const summary = chosen.length === 0 ? emptyText : chosen.length <= 2 ? chosen.map((o) => o.label).join(", ") : `${chosen.length} selected`;
  const toggle = (value: string, checked: boolean) =>
    // Keep the options' order, whatever order they were clicked in.
    onChange(options.map((o) => o.value).filter((v) => (v === value ? checked : selected.includes(v))));

  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        aria-label={`${label}: ${summary}`}
        onClick={() => setOpen((o) => !o)}
        data-active={chosen.length > 0 || undefined}
        // A variant, not a second border/bg utility: variants always win over the base classes.
        className={cx(inputClass, "flex min-w-36 items-center justify-between gap-2 text-left data-[active]:border-indigo-400 data-[active]:bg-indigo-50")}
      >
        <span className="truncate">{summary}</span>
        <span aria-hidden className="text-slate-400">▾</span>
      </button>
      {open && (
        <div
          id={listId}
          role="group"
          aria-label={label}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              setOpen(false);
              button.current?.focus();
            }
          }}
          className="absolute z-20 mt-1 max-h-72 min-w-full overflow-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        >
          {options.length === 0 && <p className="px-3 py-1.5 text-sm text-slate-500">No options</p>}
          {options.map((option) => (
            <label key={option.value} className="flex cursor-pointer items-center gap-2 whitespace-nowrap px-3 py-1 text-sm hover:bg-slate-50">
              <input
                type="checkbox"
                className="accent-indigo-600"
                checked={selected.includes(option.value)}
                onChange={(e) => toggle(option.value, e.target.checked)}
              />
              <span className="font-mono">{option.label}</span>
              {option.hint && <span className="ml-auto pl-3 text-xs text-slate-400">{option.hint}</span>}
            </label>
          ))}
          {selected.length > 0 && (
            <button type="button" onClick={() => onChange([])} className="mt-1 w-full border-t border-slate-100 px-3 py-1 text-left text-xs text-indigo-700 hover:bg-slate-50">
              Clear {label.toLowerCase()}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
