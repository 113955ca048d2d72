/**
 * Coercions applied to formatting-function output (Argilla relies on pydantic v1's lax mode).
 * Strings stay strings; finite numbers become their JavaScript text ("1", "1.5"); booleans,
 * null and objects are rejected (pydantic would turn True into "True").
 */
import { InvalidSampleError } from "../errors";

export function asText(value: unknown, what: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new InvalidSampleError(`${what} must be a string, got ${describeValue(value)}`);
}

/** A number, or a string that is entirely a decimal number ("3", " -1.5 ", "1e3"). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function asTuple(value: unknown, length: number, what: string): unknown[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw new InvalidSampleError(`expected ${what}, got ${describeValue(value)}`);
  }
  return value;
}

/** A short printable form of a returned value, for error messages. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
