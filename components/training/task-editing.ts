/** Reading and changing the task JSON the builder edits, field by field. Pure. */
import type { TaskMode } from "./builder-state";

/** The mode a task JSON is defined in (explicit, or inferred from its keys as the schema does). */
export function modeOf(raw: Record<string, unknown>): TaskMode {
  if (raw.mode === "default" || raw.mode === "template" || raw.mode === "function") return raw.mode;
  if ("formatting_func" in raw) return "function";
  if ("template" in raw) return "template";
  return "default";
}

/** Reads a dotted path ("template.prompt"). */
export function getPath(task: Record<string, unknown>, path: string): unknown {
  let value: unknown = task;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Returns a copy with the dotted path set (undefined removes the key). */
export function setPath<T extends Record<string, unknown>>(task: T, path: string, value: unknown): T {
  const [key, ...rest] = path.split(".");
  const copy: Record<string, unknown> = { ...task };
  if (rest.length === 0) {
    if (value === undefined) delete copy[key!];
    else copy[key!] = value;
  } else {
    const child = copy[key!];
    copy[key!] = setPath(typeof child === "object" && child !== null && !Array.isArray(child) ? (child as Record<string, unknown>) : {}, rest.join("."), value);
  }
  return copy as T;
}

/** The slot's last path segment, as shown in the form ("template.chosen" → "chosen"). */
export function slotName(slot: string): string {
  return slot.split(".").pop()!;
}

export type SpecKind = "text" | "ranking" | "json";

export function specKind(spec: unknown): SpecKind {
  if (typeof spec === "string" || spec === undefined) return "text";
  if (typeof spec === "object" && spec !== null && "from_ranking" in spec) return "ranking";
  return "json";
}

/** `{name}` for a placeholder; literal braces in a name cannot be written, so none are expected. */
export function placeholder(name: string): string {
  return `{${name}}`;
}

/** Inserts text into a string at a selection, returning the new text and caret position. */
export function insertAt(text: string, insert: string, start: number, end = start): { text: string; caret: number } {
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + insert + text.slice(b), caret: a + insert.length };
}

/** Question names a task JSON refers to: as placeholders, rankings, or label/answer parameters. */
export function referencedNames(task: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  const visit = (value: unknown, key?: string) => {
    if (typeof value === "string") {
      if (key === "label" || key === "answer" || key === "from_ranking" || key === "from_field") names.add(value);
      for (const match of value.replace(/\{\{|\}\}/g, "").matchAll(/\{([^{}]+)\}/g)) for (const name of match[1]!.split("|")) names.add(name.trim());
    } else if (Array.isArray(value)) value.forEach((v) => visit(v));
    else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) if (k !== "formatting_func" && k !== "strategies") visit(v, k);
    }
  };
  visit(task);
  return names;
}
