/**
 * Several JSON documents side by side, flattened to paths ("template.text", "texts[1]"): one row
 * per path any of them holds, with each document's value there (undefined where it has none) and
 * whether they all agree. What Compare shows of runs' task JSON, prepare options and config.
 */
export interface DiffRow {
  path: string;
  /** One per document, as JSON text; undefined where the document has no value at this path. */
  values: (string | undefined)[];
  same: boolean;
}

/** Leaves of a JSON value by path; an empty object or array is a leaf of its own. */
export function flattenJson(value: unknown, prefix = "", into = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((item, i) => flattenJson(item, `${prefix}[${i}]`, into));
  } else if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value)) flattenJson(item, prefix ? `${prefix}.${key}` : key, into);
  } else if (value !== undefined) {
    into.set(prefix || "(value)", JSON.stringify(value));
  }
  return into;
}

/** The rows of all paths, in the order the documents first name them. */
export function diffJson(documents: readonly unknown[]): DiffRow[] {
  const flat = documents.map((document) => flattenJson(document));
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const leaves of flat) for (const path of leaves.keys()) if (!seen.has(path)) (seen.add(path), paths.push(path));
  return paths.map((path) => {
    const values = flat.map((leaves) => leaves.get(path));
    return { path, values, same: values.every((value) => value === values[0]) };
  });
}
