"use client";
/**
 * A text/number input that reports its value after the user pauses typing, so every keystroke
 * does not rewrite the URL and refetch. Follows outside changes (a reload, "Clear filters").
 */
import { useEffect, useRef, useState, type InputHTMLAttributes } from "react";

export function DebouncedInput({ value, onCommit, delay = 300, ...props }: { value: string; onCommit: (value: string) => void; delay?: number } & Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange">) {
  const [draft, setDraft] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const onCommitRef = useRef(onCommit);
  useEffect(() => {
    onCommitRef.current = onCommit;
  });
  const lastCommitted = useRef(value);
  const commit = (next: string) => {
    clearTimeout(timer.current);
    lastCommitted.current = next;
    onCommitRef.current(next);
  };

  // Outside changes replace the draft; the echo of our own commit does not (the user may have
  // typed on since).
  useEffect(() => {
    if (value !== lastCommitted.current) {
      lastCommitted.current = value;
      setDraft(value);
    }
  }, [value]);
  useEffect(() => () => clearTimeout(timer.current), []);

  return (
    <input
      {...props}
      value={draft}
      onChange={(e) => {
        const next = e.target.value;
        setDraft(next);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => commit(next), delay);
      }}
      onKeyDown={(e) => {
        // Enter commits at once.
        if (e.key === "Enter") commit(draft);
        props.onKeyDown?.(e);
      }}
    />
  );
}
