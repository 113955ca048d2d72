"use client";
/**
 * The Import panel of the datasets page: drop (or pick) an export folder or .zip, upload it with
 * a progress bar, then follow the server-side import. Also imports from a path on the server.
 */
import { useState, type DragEvent, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { formatBytes } from "~/components/format";
import { ErrorMessage, ProgressBar, Section, buttonClass, cx, inputClass, primaryButtonClass } from "~/components/ui";
import { topLevelEntries, uploadDatasetName } from "~/server/feedback/upload-name";
import { describeSelection, filesFromDrop, filesFromInput, type UploadFile } from "./collect-files";
import { newUploadId, uploadFiles, type UploadProgress } from "./upload-files";
import { ImportJobStatus } from "./import-job-status";
import { useAllows } from "~/components/auth/use-me";

export function ImportPanel() {
  const [importId, setImportId] = useState<string | null>(null);
  const mayImport = useAllows("member");
  return (
    <Section id="import" title="Import a dataset">
      {/* A viewer sees the panel with every control disabled. */}
      <fieldset disabled={!mayImport} className="space-y-4">
        <UploadForm onImportStarted={setImportId} />
        {importId && <ImportJobStatus key={importId} importId={importId} />}
        <ServerPathForm onImportStarted={setImportId} />
      </fieldset>
    </Section>
  );
}

function UploadForm({ onImportStarted }: { onImportStarted: (importId: string | null) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const importUpload = useMutation(trpc.datasets.importUpload.mutationOptions());
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [name, setName] = useState("");
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const uploading = progress !== null && progress.sent < progress.total;
  const busy = uploading || importUpload.isPending;

  const select = (selected: UploadFile[]) => {
    setFiles(selected);
    setName("");
    setProgress(null);
    setError(null);
    onImportStarted(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!files.length) return;
    setError(null);
    onImportStarted(null);
    const uploadId = newUploadId();
    try {
      // A name clash is told before a byte is sent, not after the whole upload.
      const datasetName = name.trim() || uploadDatasetName(topLevelEntries(files.map((f) => f.path)));
      const { taken } = await queryClient.fetchQuery({ ...trpc.datasets.nameTaken.queryOptions({ name: datasetName }), staleTime: 0 });
      if (taken) {
        setError(`a dataset named "${datasetName}" already exists; choose another name`);
        return;
      }
      await uploadFiles(uploadId, files, setProgress);
      const { importId } = await importUpload.mutateAsync({ uploadId, name: name.trim() || undefined });
      onImportStarted(importId);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const totalBytes = files.reduce((sum, f) => sum + f.file.size, 0);
  return (
    <form onSubmit={submit} className="space-y-3">
      <DropZone onFiles={select} disabled={busy} />
      {files.length > 0 && (
        <p className="text-sm text-slate-700">
          Selected: <span className="font-mono">{describeSelection(files)}</span> · {formatBytes(totalBytes)}
        </p>
      )}
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex min-w-56 flex-1 flex-col gap-1 text-xs font-medium text-slate-600">
          Dataset name (optional)
          <input className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="from the folder or .zip name" />
        </label>
        <button type="submit" className={primaryButtonClass} disabled={!files.length || busy}>
          Upload and import
        </button>
      </div>
      {progress && <ProgressBar label="Upload progress" value={progress.sent} max={Math.max(progress.total, 1)} detail={`${formatBytes(progress.sent)} / ${formatBytes(progress.total)}`} />}
      {error && <ErrorMessage title="The upload failed" message={error} testId="import-error" />}
    </form>
  );
}

/** Drag-and-drop target with two pickers: a folder (webkitdirectory) or a .zip. */
function DropZone({ onFiles, disabled }: { onFiles: (files: UploadFile[]) => void; disabled: boolean }) {
  const [over, setOver] = useState(false);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    if (!disabled) void filesFromDrop(event.dataTransfer).then(onFiles);
  };
  return (
    <div
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="drop-zone"
      className={cx(
        "flex flex-col items-center gap-2 rounded-lg border-2 border-dashed px-4 py-6 text-center transition-colors",
        over ? "border-indigo-500 bg-indigo-50" : "border-slate-300 bg-slate-50",
      )}
    >
      <p className="text-sm text-slate-700">
        Drop an Argilla export here: <span className="font-medium">a folder</span> (argilla.yaml + data files) or <span className="font-medium">a .zip</span>
      </p>
      <div className="flex gap-2">
        <FilePicker label="Choose folder…" inputLabel="Choose export folder" directory disabled={disabled} onFiles={onFiles} />
        <FilePicker label="Choose .zip…" inputLabel="Choose .zip file" accept=".zip,application/zip" disabled={disabled} onFiles={onFiles} />
      </div>
    </div>
  );
}

function FilePicker({ label, inputLabel, directory, accept, disabled, onFiles }: { label: string; inputLabel: string; directory?: boolean; accept?: string; disabled: boolean; onFiles: (files: UploadFile[]) => void }) {
  // webkitdirectory is not in React's types; every current browser supports it.
  const directoryProps = directory ? { webkitdirectory: "", directory: "" } : {};
  return (
    <label className={cx(buttonClass, "cursor-pointer focus-within:ring-2 focus-within:ring-indigo-500", disabled && "pointer-events-none opacity-50")}>
      {label}
      <input
        type="file"
        className="sr-only"
        aria-label={inputLabel}
        accept={accept}
        disabled={disabled}
        multiple={directory}
        {...directoryProps}
        onChange={(e) => {
          onFiles(filesFromInput(e.target.files));
          e.target.value = ""; // picking the same file again still fires onChange
        }}
      />
    </label>
  );
}

function ServerPathForm({ onImportStarted }: { onImportStarted: (importId: string | null) => void }) {
  const trpc = useTRPC();
  const importFromPath = useMutation(trpc.datasets.importFromPath.mutationOptions({ onSuccess: ({ importId }) => onImportStarted(importId) }));
  const [path, setPath] = useState("");
  const [name, setName] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onImportStarted(null);
    importFromPath.mutate({ path: path.trim(), name: name.trim() || undefined });
  };
  return (
    <details className="group rounded-md border border-slate-200 px-3 py-2">
      <summary className="cursor-pointer text-sm font-medium text-slate-700">Import from a path on the server</summary>
      <form onSubmit={submit} className="mt-2 flex flex-wrap items-end gap-2">
        <label className="flex w-full flex-col gap-1 text-xs font-medium text-slate-600">
          Path on the server
          <input className={cx(inputClass, "font-mono")} value={path} onChange={(e) => setPath(e.target.value)} placeholder="/data/exports/emotion or /data/emotion.zip" required />
        </label>
        <label className="flex min-w-40 flex-1 flex-col gap-1 text-xs font-medium text-slate-600">
          Name (optional)
          <input className={inputClass} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" className={buttonClass} disabled={!path.trim() || importFromPath.isPending}>
          Import from path
        </button>
      </form>
      {importFromPath.error && <div className="mt-2"><ErrorMessage title="The import could not start" message={importFromPath.error.message} testId="import-error" /></div>}
    </details>
  );
}
