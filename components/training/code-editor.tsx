"use client";
/**
 * A small code editor on a <textarea>: monospace, line numbers, Tab / Shift+Tab indent and
 * outdent (Esc, then Tab, moves focus on, as in VS Code), Enter keeps the line's indentation.
 */
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { cx } from "~/components/ui";

const INDENT = "  ";

interface Edit {
  text: string;
  start: number;
  end: number;
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf("\n", pos - 1) + 1;
}

/** Indents (or outdents) every line touched by the selection; a caret alone gets an indent inserted. */
export function indentEdit(text: string, start: number, end: number, outdent: boolean): Edit {
  if (!outdent && start === end) return { text: text.slice(0, start) + INDENT + text.slice(end), start: start + INDENT.length, end: start + INDENT.length };
  const from = lineStart(text, start);
  const to = end > start && text[end - 1] === "\n" ? end - 1 : end;
  const lines = text.slice(from, to).split("\n");
  let removedFirst = 0;
  let delta = 0;
  const changed = lines.map((line, i) => {
    if (outdent) {
      const remove = line.startsWith(INDENT) ? INDENT.length : line.startsWith(" ") || line.startsWith("\t") ? 1 : 0;
      if (i === 0) removedFirst = remove;
      delta -= remove;
      return line.slice(remove);
    }
    delta += INDENT.length;
    return INDENT + line;
  });
  const replaced = changed.join("\n");
  return {
    text: text.slice(0, from) + replaced + text.slice(to),
    start: outdent ? Math.max(from, start - removedFirst) : start + INDENT.length,
    end: Math.max(from, end + delta),
  };
}

/** A newline that keeps the current line's indentation (one level more after an opening bracket). */
export function newlineEdit(text: string, start: number, end: number): Edit {
  const from = lineStart(text, start);
  const indent = /^[ \t]*/.exec(text.slice(from, start))![0];
  const opener = /[{[(]\s*$/.test(text.slice(from, start));
  const insert = "\n" + indent + (opener ? INDENT : "");
  return { text: text.slice(0, start) + insert + text.slice(end), start: start + insert.length, end: start + insert.length };
}

export function CodeEditor({ label, value, onChange, minRows = 12 }: { label: string; value: string; onChange: (value: string) => void; minRows?: number }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const pending = useRef<{ start: number; end: number } | null>(null);
  const [tabMovesFocus, setTabMovesFocus] = useState(false);
  useLayoutEffect(() => {
    if (pending.current && ref.current) {
      ref.current.setSelectionRange(pending.current.start, pending.current.end);
      pending.current = null;
    }
  });
  const apply = (edit: Edit) => {
    pending.current = { start: edit.start, end: edit.end };
    onChange(edit.text);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    const el = e.currentTarget;
    if (e.key === "Escape") {
      setTabMovesFocus(true);
      return;
    }
    if (e.key === "Tab" && !tabMovesFocus && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      apply(indentEdit(value, el.selectionStart, el.selectionEnd, e.shiftKey));
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      apply(newlineEdit(value, el.selectionStart, el.selectionEnd));
    }
  };
  const lines = value.split("\n").length;
  return (
    <div>
      <div className="flex overflow-hidden rounded-md border border-slate-700 bg-slate-900 shadow-sm focus-within:ring-2 focus-within:ring-indigo-500">
        <div
          ref={gutter}
          aria-hidden
          className="select-none overflow-hidden border-r border-slate-700 bg-slate-800 px-2 py-2 text-right font-mono text-[11px] leading-[1.35rem] text-slate-500"
        >
          {Array.from({ length: Math.max(lines, minRows) }, (_, i) => (
            <div key={i}>{i + 1}</div>
          ))}
        </div>
        <textarea
          ref={ref}
          aria-label={label}
          value={value}
          wrap="off"
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          rows={Math.max(minRows, Math.min(lines, 30))}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => setTabMovesFocus(false)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
          className={cx("block w-full resize-y bg-transparent px-2 py-2 font-mono text-[12px] leading-[1.35rem] text-slate-100 caret-indigo-300 outline-none")}
        />
      </div>
      <p className="mt-1 text-[11px] text-slate-500">
        Tab indents, Shift+Tab outdents; press Esc then Tab to move on.{tabMovesFocus && <span className="text-indigo-600"> Tab now moves focus.</span>}
      </p>
    </div>
  );
}
