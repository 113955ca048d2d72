/**
 * Turns what the user dropped or picked into files with paths relative to the export root, so
 * that a dropped folder arrives on the server with its layout (argilla.yaml, data/…) intact.
 */

export interface UploadFile {
  file: File;
  /** Relative path, "/"-separated, e.g. "emotion/data/train.jsonl" or "export.zip". */
  path: string;
}

/** Files from an <input type="file"> (with or without webkitdirectory). */
export function filesFromInput(list: FileList | null): UploadFile[] {
  return Array.from(list ?? [], (file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/**
 * Files from a drop. DataTransfer items are only readable during the drop event, so the entries
 * are taken synchronously here and walked afterwards.
 */
export function filesFromDrop(dataTransfer: DataTransfer): Promise<UploadFile[]> {
  const entries = Array.from(dataTransfer.items)
    .filter((item) => item.kind === "file")
    .map((item) => item.webkitGetAsEntry?.())
    .filter((entry): entry is FileSystemEntry => Boolean(entry));
  // Browsers without the entries API: plain files only.
  if (entries.length === 0) return Promise.resolve(filesFromInput(dataTransfer.files));
  return Promise.all(entries.map(walkEntry)).then((lists) => lists.flat());
}

async function walkEntry(entry: FileSystemEntry): Promise<UploadFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ file, path: entry.fullPath.replace(/^\/+/, "") }];
  }
  if (entry.isDirectory) {
    const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
    return (await Promise.all(children.map(walkEntry))).flat();
  }
  return [];
}

/** readEntries returns at most ~100 entries per call: keep reading until it returns none. */
async function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** What the selection is, in a few words: "export.zip" or "emotion/ (3 files)". */
export function describeSelection(files: UploadFile[]): string {
  if (files.length === 1) return files[0].path;
  const roots = new Set(files.map((f) => f.path.split("/")[0]));
  const root = roots.size === 1 && files[0].path.includes("/") ? `${[...roots][0]}/ ` : "";
  return `${root}(${files.length} files)`;
}
