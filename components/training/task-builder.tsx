"use client";
/**
 * /datasets/[name]/train: the task builder. The whole builder state lives in the URL
 * (`?task=<json>&framework=…`), so a view can be shared and survives a reload; the preview
 * follows edits after a short pause, diagnostics after a longer one.
 */
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { Breadcrumb } from "~/components/datasets/dataset-header";
import { datasetHref, formatNumber } from "~/components/format";
import { useTRPC } from "~/components/trpc";
import { ErrorMessage, Loading } from "~/components/ui";
import { filterInput } from "./builder-requests";
import type { BuilderState, TaskJson, TaskKind, TaskMode } from "./builder-state";
import { jobSearchParams, parseSettingsParams, parseTaskParam, stateToSearchParams } from "./builder-url";
import { availableModes, firstTaskKind, frameworkFor, initialTask, preferredMode } from "./starting-tasks";
import { useDebouncedValue } from "./controls";
import { DiagnosticsPanel } from "./diagnostics-panel";
import { ExportPanel } from "./export-panel";
import { FineTunePanel } from "~/components/openai/fine-tune-panel";
import { PreviewPanel, type PreviewFocus } from "./preview-panel";
import { RunPanel } from "./run-panel";
import { TaskForm } from "./task-form";
import type { DatasetDetail, TrainingOptions, TrainingRunDetail } from "./types";

/** Pause after an edit before the preview follows. */
export const PREVIEW_DEBOUNCE_MS = 250;
/** Diagnostics prepare the whole dataset: they wait for a longer pause. */
export const DIAGNOSTICS_DEBOUNCE_MS = 1200;

export function TaskBuilderPage({ name }: { name: string }) {
  const trpc = useTRPC();
  const options = useQuery(trpc.training.options.queryOptions({ dataset: name }));
  const dataset = useQuery(trpc.datasets.get.queryOptions({ name }));
  // ?fromJob=<id>: the builder reopens that training job's task, options, model and config.
  const fromJob = useSearchParams().get("fromJob");
  const job = useQuery(trpc.trainingRuns.get.queryOptions({ id: fromJob ?? "", limit: 1 }, { enabled: !!fromJob && UUID.test(fromJob), staleTime: Infinity }));
  if (options.error || dataset.error) {
    return <ErrorMessage title="Could not load the dataset" message={(options.error ?? dataset.error)!.message} />;
  }
  if (job.error) return <ErrorMessage title={`Could not reopen training job ${fromJob}`} message={job.error.message} />;
  if (!options.data || !dataset.data || (fromJob && UUID.test(fromJob) && !job.data)) return <Loading label="Loading the dataset…" />;
  return <TaskBuilder name={name} options={options.data} dataset={dataset.data} job={job.data ?? null} />;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function initialState(params: URLSearchParams, options: TrainingOptions, dataset: DatasetDetail, job: TrainingRunDetail | null): BuilderState {
  if (job && !params.has("task")) params = jobSearchParams(job.pinned);
  const settings = parseSettingsParams(params);
  let task = parseTaskParam(params.get("task"), options.tasks.map((t) => t.task));
  if (!task) {
    const kind = firstTaskKind(options);
    task = initialTask(kind, preferredMode(options, kind), options, dataset.settings);
  }
  return { task, framework: frameworkFor(task.task, settings.framework, options), split: settings.split, crossEncoder: settings.crossEncoder, view: settings.view };
}

function TaskBuilder({ name, options, dataset, job }: { name: string; options: TrainingOptions; dataset: DatasetDetail; job: TrainingRunDetail | null }) {
  const searchParams = useSearchParams();
  const [state, setState] = useState<BuilderState>(() => initialState(new URLSearchParams(searchParams.toString()), options, dataset, job));
  const [focus, setFocus] = useState<PreviewFocus | null>(null);
  // What was typed for each (task, mode), so switching away and back loses nothing.
  const drafts = useRef(new Map<string, TaskJson>());

  // The URL follows the state (replace: editing is not navigation).
  const urlState = useDebouncedValue(state, 300);
  useEffect(() => {
    const params = stateToSearchParams(urlState);
    if (job) params.set("fromJob", job.id);
    const query = params.toString();
    if (window.location.search.slice(1) !== query) window.history.replaceState(window.history.state, "", `${window.location.pathname}?${query}`);
  }, [urlState, job]);

  // Task and framework travel together: a new task kind may need another framework.
  const spec = { task: state.task, framework: state.framework, crossEncoder: state.crossEncoder };
  const specKey = JSON.stringify(spec);
  const previewSpec = useDebouncedValue(spec, PREVIEW_DEBOUNCE_MS);
  const diagnosticsSpec = useDebouncedValue(spec, DIAGNOSTICS_DEBOUNCE_MS);
  const diagnosticsSplit = useDebouncedValue(state.split, 600);

  const switchTask = useCallback(
    (kind: TaskKind, mode: TaskMode) => {
      setState((current) => {
        drafts.current.set(`${current.task.task}:${current.task.mode}`, current.task);
        const task = drafts.current.get(`${kind}:${mode}`) ?? initialTask(kind, mode, options, dataset.settings);
        return { ...current, task, framework: frameworkFor(kind, current.framework, options) };
      });
    },
    [options, dataset.settings],
  );
  const onKind = (kind: TaskKind) => {
    const modes = availableModes(options, kind);
    setFocus(null);
    switchTask(kind, modes.includes(state.task.mode) ? state.task.mode : preferredMode(options, kind));
  };

  const showReason = useCallback((reason: string, indexes: number[], count: number) => setFocus({ reason, indexes, count }), []);
  const hasTest = state.split.trainSize < 1 || (state.split.testSize ?? 0) > 0;
  return (
    <div className="space-y-4">
      <header className="space-y-1">
        <Breadcrumb items={[{ label: "Datasets", href: "/" }, { label: name, href: datasetHref(name) }, { label: "Train / prepare" }]} />
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h1 className="text-xl font-semibold text-slate-900">Prepare training data</h1>
            <p className="text-xs text-slate-500">
              Define a training task on <span className="font-medium text-slate-700">{name}</span>, watch the formatted rows as you edit, check the diagnostics,
              then train it, export it or copy the CLI command.
            </p>
          </div>
          <dl className="flex gap-5 text-right">
            <div>
              <dt className="text-[11px] uppercase tracking-wide text-slate-500">records</dt>
              <dd className="text-base font-semibold tabular-nums">{formatNumber(dataset.recordCount)}</dd>
            </div>
            <div>
              <dt className="text-[11px] uppercase tracking-wide text-slate-500">responses</dt>
              <dd className="text-base font-semibold tabular-nums">{formatNumber(dataset.responseCount)}</dd>
            </div>
          </dl>
        </div>
      </header>
      <div className="grid items-start gap-4 lg:grid-cols-[23rem_minmax(0,1fr)]">
        <aside aria-label="Task builder" className="rounded-lg border border-slate-200 bg-white shadow-sm lg:sticky lg:top-4 lg:max-h-[calc(100vh-2rem)] lg:overflow-y-auto">
          <TaskForm
            state={state}
            options={options}
            settings={dataset.settings}
            onKind={onKind}
            onMode={(mode) => {
              setFocus(null);
              switchTask(state.task.task, mode);
            }}
            onFramework={(framework) => setState((s) => ({ ...s, framework }))}
            onTask={(task) => setState((s) => ({ ...s, task }))}
            onSplit={(split) => setState((s) => ({ ...s, split }))}
            onCrossEncoder={(crossEncoder) => setState((s) => ({ ...s, crossEncoder }))}
          />
        </aside>
        <div className="min-w-0 space-y-4">
          <PreviewPanel
            dataset={name}
            settings={dataset.settings}
            task={previewSpec.task}
            framework={previewSpec.framework}
            filterBy={filterInput(state.split)}
            crossEncoder={previewSpec.crossEncoder}
            view={state.view}
            onView={(view) => setState((s) => ({ ...s, view }))}
            focus={focus}
            onClearFocus={() => setFocus(null)}
            dropReasons={options.dropReasons}
            pending={JSON.stringify(previewSpec) !== specKey}
          />
          <DiagnosticsPanel
            dataset={name}
            task={diagnosticsSpec.task}
            framework={diagnosticsSpec.framework}
            split={diagnosticsSplit}
            crossEncoder={diagnosticsSpec.crossEncoder}
            dropReasons={options.dropReasons}
            onShowReason={showReason}
            pending={JSON.stringify(diagnosticsSpec) !== specKey || JSON.stringify(diagnosticsSplit) !== JSON.stringify(state.split)}
          />
          <RunPanel
            dataset={name}
            task={state.task}
            framework={state.framework}
            split={state.split}
            crossEncoder={state.crossEncoder}
            initial={job ? { model: job.pinned.model, config: job.pinned.config as Record<string, unknown> } : undefined}
          />
          <ExportPanel dataset={name} task={state.task} framework={state.framework} split={state.split} crossEncoder={state.crossEncoder} hasTest={hasTest} />
          {state.framework === "openai" && <FineTunePanel dataset={name} task={state.task} split={state.split} />}
        </div>
      </div>
    </div>
  );
}
