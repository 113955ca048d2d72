"use client";
/**
 * j / k (and Enter) shortcuts for walking records, Gmail-style. Ignored while typing in a form
 * control or with a modifier held, so they never steal keystrokes.
 */
import { useEffect, useRef } from "react";

export interface JKHandlers {
  next: () => void;
  previous: () => void;
  /** Enter with nothing focused (a focused link or button handles Enter itself). */
  open?: () => void;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName);
}

export function useJKKeys(handlers: JKHandlers): void {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (event.key === "j") latest.current.next();
      else if (event.key === "k") latest.current.previous();
      else if (event.key === "Enter" && latest.current.open && (event.target === document.body || event.target === document.documentElement)) latest.current.open();
      else return;
      event.preventDefault();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
}
