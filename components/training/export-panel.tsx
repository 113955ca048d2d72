"use client";
/** Downloads of the prepared splits, and the task JSON and CLI command to reproduce them. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { cx } from "~/components/ui";
import { exportHref, splitInput, taskJsonText } from "./builder-requests";
import type { Framework, SplitSettings, TaskJson } from "./builder-state";
import { CopyButton } from "./controls";

const linkClass =
  "inline-flex items-center justify-center gap-1 rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 shadow-sm hover:border-indigo-300 hover:bg-indigo-50 hover:text-indigo-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";

export function ExportPanel({
  dataset,
  task,
  framework,
  split,
  crossEncoder,
  hasTest,
}: {
  dataset: string;
  task: TaskJson;
  framework: Framework;
  split: SplitSettings;
  crossEncoder: boolean;
  hasTest: boolean;
}) {
  const trpc = useTRPC();
  const command = useQuery(trpc.training.command.queryOptions({ dataset, framework, crossEncoder, ...splitInput(split) }, { placeholderData: keepPreviousData }));
  const json = taskJsonText(task);
  return (
    <section aria-labelledby="export-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="border-b border-slate-100 px-4 py-2.5">
        <h2 id="export-title" className="text-sm font-semibold text-slate-800">
          Export & reproduce
        </h2>
      </div>
      <div className="space-y-4 p-4">
        <div>
          <h3 className="mb-1.5 text-xs font-semibold text-slate-700">Download prepared rows</h3>
          <div className="grid grid-cols-[auto_1fr_1fr] items-center gap-1.5 text-xs">
            <span />
            <span className="text-center text-[11px] font-medium text-slate-500">JSONL</span>
            <span className="text-center text-[11px] font-medium text-slate-500">Parquet</span>
            {(["train", "test"] as const).map((which) => (
              <div key={which} className="contents">
                <span className="pr-2 font-medium capitalize text-slate-700">{which}</span>
                {(["jsonl", "parquet"] as const).map((format) => {
                  const disabled = which === "test" && !hasTest;
                  return disabled ? (
                    <span key={format} className={cx(linkClass, "cursor-not-allowed opacity-40")} aria-disabled title="No test split: set a train size below 1">
                      ↓ {which}.{format}
                    </span>
                  ) : (
                    <a
                      key={format}
                      href={exportHref({ dataset, task, framework, split: which, format, settings: split, crossEncoder })}
                      download={`${dataset}-${framework}-${which}.${format}`}
                      aria-label={`Download ${which} split as ${format === "jsonl" ? "JSONL" : "Parquet"}`}
                      className={linkClass}
                    >
                      ↓ {which}.{format}
                    </a>
                  );
                })}
              </div>
            ))}
          </div>
        </div>

        <div className="space-y-1.5">
          <div className="flex items-center justify-between gap-2">
            <h3 className="text-xs font-semibold text-slate-700">Task JSON</h3>
            <CopyButton text={json} label="Copy task JSON" />
          </div>
          <pre data-testid="task-json" className="max-h-64 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-[11px] leading-relaxed text-slate-800 ring-1 ring-inset ring-slate-200">
            {json}
          </pre>
        </div>

        <div className="space-y-1.5">
          <div className="flex items-center justify-between gap-2">
            <h3 className="text-xs font-semibold text-slate-700">CLI command</h3>
            <CopyButton text={command.data} label="Copy CLI command" />
          </div>
          <pre data-testid="cli-command" className="overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-2 font-mono text-[11px] leading-relaxed text-slate-100">
            {command.data ?? (command.error ? command.error.message : "…")}
          </pre>
          <p className="text-[11px] text-slate-500">
            Save the task JSON above as <code className="font-mono">task.json</code> next to where you run the command.
          </p>
        </div>
      </div>
    </section>
  );
}
