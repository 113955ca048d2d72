/**
 * The dataset name an upload gets unless a person names it: a lone .zip's name, a lone folder's
 * name, else "uploaded-dataset". Shared by the browser (to check the name before sending a byte)
 * and the server (which decides).
 */
export function uploadDatasetName(topLevel: readonly { name: string; isFolder: boolean }[]): string {
  const only = topLevel.length === 1 ? topLevel[0]! : null;
  if (only && !only.isFolder && /\.zip$/i.test(only.name)) return only.name.replace(/\.zip$/i, "");
  if (only?.isFolder) return only.name;
  return "uploaded-dataset";
}

/** The top-level entries of an upload, from the relative paths of its files. */
export function topLevelEntries(relativePaths: readonly string[]): { name: string; isFolder: boolean }[] {
  const entries = new Map<string, boolean>();
  for (const relative of relativePaths) {
    const [first, ...rest] = relative.split("/");
    if (first) entries.set(first, (entries.get(first) ?? false) || rest.length > 0);
  }
  return [...entries].map(([name, isFolder]) => ({ name, isFolder }));
}
