/** Display formatting shared by the pages. Fixed locale: server and browser render the same text. */

const numbers = new Intl.NumberFormat("en-US");

export function formatNumber(n: number): string {
  return numbers.format(n);
}

/** "1 record", "1,234 records", or "100,000+ records" when the server stopped counting. */
export function formatCount(count: number, noun: string, capped = false): string {
  return `${numbers.format(count)}${capped ? "+" : ""} ${noun}${count === 1 && !capped ? "" : "s"}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDateTime(date: Date | string): string {
  return new Date(date).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

/** Annotator ids are UUIDs; the first block is enough to tell people apart on screen. */
export function shortUserId(userId: string | null): string {
  return userId ? userId.slice(0, 8) : "no user id";
}

/** Records are numbered from 1 on screen; `index` (0-based) stays their key in URLs and the API. */
export function recordNumber(index: number): number {
  return index + 1;
}

/** Dataset names may hold spaces or slashes: one path segment, always encoded. */
export function datasetHref(name: string): string {
  return `/datasets/${encodeURIComponent(name)}`;
}

export function recordHref(dataset: string, index: number, query = ""): string {
  return `${datasetHref(dataset)}/records/${index}${query ? `?${query}` : ""}`;
}

/** A dynamic route segment as Next passes it (still percent-encoded); tolerant of stray "%". */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
