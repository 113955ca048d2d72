"use client";
/** Small labelled controls and hooks shared by the task builder's panels. */
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { buttonClass, cx } from "~/components/ui";

export const selectBase =
  "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 disabled:bg-slate-100 disabled:text-slate-400";
export const selectClass = `w-full ${selectBase}`;
export const textareaClass =
  "block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 font-mono text-xs leading-relaxed shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";
export const smallButtonClass = cx(buttonClass, "px-2 py-0.5 text-xs");

/** A value that follows `value` once it has been stable for `delay` ms (compared as JSON). */
export function useDebouncedValue<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value);
  const key = JSON.stringify(value);
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(latest.current), delay);
    return () => clearTimeout(timer);
  }, [key, delay]);
  return debounced;
}

/** A label above its control; `hint` below. The control gets the id passed to `children`. */
export function Field({ label, hint, children, className }: { label: ReactNode; hint?: ReactNode; children: (id: string) => ReactNode; className?: string }) {
  const id = useId();
  return (
    <div className={cx("space-y-1", className)}>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      {children(id)}
      {hint && <p className="text-[11px] leading-snug text-slate-500">{hint}</p>}
    </div>
  );
}

/** A numbered step of the builder's sidebar. */
export function Step({ n, title, children, aside }: { n: number; title: string; children: ReactNode; aside?: ReactNode }) {
  // Not a labelled region: its title would share a name with the control inside (e.g. "Framework").
  return (
    <section className="border-b border-slate-100 px-4 py-3 last:border-b-0">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h3 className="flex items-center gap-2 text-xs font-semibold uppercase tracking-wide text-slate-600">
          <span aria-hidden className="flex h-5 w-5 items-center justify-center rounded-full bg-indigo-600 text-[11px] font-bold text-white">
            {n}
          </span>
          {title}
        </h3>
        {aside}
      </div>
      <div className="space-y-3">{children}</div>
    </section>
  );
}

/** A segmented radio group (a fieldset with a legend, so `getByRole("radio", { name })` works). */
export function Segmented<T extends string>({
  legend,
  value,
  options,
  onChange,
  hideLegend,
}: {
  legend: string;
  value: T;
  options: { value: T; label: string; disabled?: boolean; title?: string }[];
  onChange: (value: T) => void;
  hideLegend?: boolean;
}) {
  const name = useId();
  return (
    <fieldset>
      <legend className={hideLegend ? "sr-only" : "mb-1 text-xs font-medium text-slate-700"}>{legend}</legend>
      <div className="inline-flex w-full overflow-hidden rounded-md border border-slate-300 bg-white shadow-sm">
        {options.map((option) => (
          <label
            key={option.value}
            title={option.title}
            className={cx(
              "relative flex-1 cursor-pointer whitespace-nowrap border-r border-slate-200 px-2.5 py-1 text-center text-xs font-medium last:border-r-0 focus-within:ring-2 focus-within:ring-inset focus-within:ring-indigo-500",
              value === option.value ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-50",
              option.disabled && "cursor-not-allowed bg-slate-50 text-slate-400 hover:bg-slate-50",
            )}
          >
            <input
              type="radio"
              // covers the segment: a click anywhere on it lands on the radio itself
              className="absolute inset-0 m-0 h-full w-full cursor-pointer appearance-none opacity-0 disabled:cursor-not-allowed"
              name={name}
              value={option.value}
              checked={value === option.value}
              disabled={option.disabled}
              onChange={() => onChange(option.value)}
            />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Copies text to the clipboard and says so ("Copied") for a moment. */
export function CopyButton({ text, label, className }: { text: string | undefined; label: string; className?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    if (text === undefined) return;
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <button type="button" onClick={copy} disabled={text === undefined} className={cx(buttonClass, "text-xs", className)}>
      <span aria-hidden>{state === "copied" ? "✓" : "⧉"}</span>
      {label}
      <span aria-live="polite" className={cx("text-[11px] font-semibold", state === "copied" ? "text-emerald-600" : "text-rose-600")}>
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed: select the text below" : ""}
      </span>
    </button>
  );
}
