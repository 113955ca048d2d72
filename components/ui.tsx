/** Small presentational building blocks shared by every page. */
import type { ReactNode } from "react";

export function cx(...classes: (string | false | null | undefined)[]): string {
  return classes.filter(Boolean).join(" ");
}

/** A titled card; the heading names the region for screen readers and `getByRole("region")`. */
export function Section({ id, title, actions, children, className }: { id: string; title: string; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section aria-labelledby={`${id}-title`} className={cx("rounded-lg border border-slate-200 bg-white shadow-sm", className)}>
      <div className="flex items-center justify-between gap-3 border-b border-slate-100 px-4 py-2.5">
        <h2 id={`${id}-title`} className="text-sm font-semibold text-slate-800">
          {title}
        </h2>
        {actions}
      </div>
      <div className="p-4">{children}</div>
    </section>
  );
}

/** Shows a server message verbatim: import errors name the file, line and column. */
/** Label–value rows, the labels in a narrow first column (a job's facts). */
export function LabelledRows({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[10rem_1fr] gap-x-4 gap-y-1 text-sm">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-slate-500">{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ErrorMessage({ title, message, testId }: { title?: string; message: string; testId?: string }) {
  return (
    <div role="alert" data-testid={testId} className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">
      {title && <p className="font-semibold">{title}</p>}
      <p className="whitespace-pre-wrap break-words font-mono text-xs leading-relaxed">{message}</p>
    </div>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p role="status" className="flex items-center gap-2 py-4 text-sm text-slate-500">
      <span aria-hidden className="h-3 w-3 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600" />
      {label}
    </p>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="rounded-md border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-500">{children}</p>;
}

export function ProgressBar({ label, value, max, detail, failed }: { label: string; value: number; max: number; detail?: string; failed?: boolean }) {
  const percent = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <div className="space-y-1">
      <div className="flex justify-between text-xs text-slate-600">
        <span>{label}</span>
        <span>{detail ?? `${percent}%`}</span>
      </div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={value} aria-valuetext={`${percent}%`} className="h-2 overflow-hidden rounded-full bg-slate-200">
        <div className={cx("h-full rounded-full transition-[width] duration-200", failed ? "bg-red-500" : "bg-indigo-600")} style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

const CHIP_TONES = {
  slate: "bg-slate-100 text-slate-700 ring-slate-200",
  indigo: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  red: "bg-rose-50 text-rose-700 ring-rose-200",
  sky: "bg-sky-50 text-sky-700 ring-sky-200",
  grey: "bg-slate-100 text-slate-500 ring-slate-200",
} as const;
export type ChipTone = keyof typeof CHIP_TONES;

export function Chip({ tone = "slate", title, children }: { tone?: ChipTone; title?: string; children: ReactNode }) {
  return (
    <span title={title} className={cx("inline-flex items-center gap-1 whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset", CHIP_TONES[tone])}>
      {children}
    </span>
  );
}

export const inputClass =
  "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 disabled:bg-slate-100";

/** Buttons: one base, a few variants (combining conflicting utilities with cx would be order-dependent). */
const BUTTON_BASE =
  "inline-flex items-center justify-center gap-1 rounded-md font-medium shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:cursor-not-allowed disabled:opacity-50";
const BUTTON_SIZE = { md: "px-3 py-1 text-sm", sm: "px-2 py-0.5 text-xs" } as const;
const BUTTON_TONE = {
  default: "border border-slate-300 bg-white text-slate-700 hover:bg-slate-50",
  primary: "bg-indigo-600 text-white hover:bg-indigo-700 focus-visible:ring-offset-1",
  danger: "border border-red-300 bg-white text-red-700 hover:bg-red-50",
} as const;

export function buttonStyle({ tone = "default", size = "md" }: { tone?: keyof typeof BUTTON_TONE; size?: keyof typeof BUTTON_SIZE } = {}): string {
  return `${BUTTON_BASE} ${BUTTON_SIZE[size]} ${BUTTON_TONE[tone]}`;
}

export const buttonClass = buttonStyle();
export const primaryButtonClass = buttonStyle({ tone: "primary" });
