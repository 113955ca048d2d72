"use client";
/**
 * Below the preview: train on the task being built. The model (the MiniLM the training
 * environment ships, an earlier job's model, or a Hub id or folder), the runner's config form, the
 * preflight checks (each linked to its records) and the estimate (trainingRuns.preflight), then
 * Start (trainingRuns.start, what `studio train` queues) which opens the job page, beside the
 * equivalent `studio train …` command.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
import { useAllows } from "~/components/auth/use-me";
import { formatNumber, recordHref, recordNumber } from "~/components/format";
import { useTRPC } from "~/components/trpc";
import { cx, ErrorMessage, primaryButtonClass } from "~/components/ui";
import { CONFIG_SCHEMAS, RUNNER_CONFIGS, TRAINER_FRAMEWORKS, type ConfigName } from "~/server/training-runs/configs";
import { planSteps } from "~/server/training-runs/estimate";
import { splitInput } from "./builder-requests";
import type { Framework, SplitSettings, TaskJson } from "./builder-state";
import { configToJson, jsonToConfig, type ConfigValues } from "./config-json";
import { ConfigForm, inputClassName } from "./config-form";
import { CopyButton, Field, Segmented, useDebouncedValue } from "./controls";
import type { PreflightAnswer } from "./types";

export interface RunStart {
  model?: string;
  config?: ConfigValues;
}

type ModelSource = "minilm" | "job" | "other";

/** Frameworks whose runner fine-tunes an encoder: MiniLM is a sensible start. */
const ENCODER_CONFIGS: ReadonlySet<ConfigName> = new Set(["setfit", "transformers-classification", "transformers-question-answering", "peft-classification", "sentence-transformers"]);

export interface RunProps {
  dataset: string;
  task: TaskJson;
  framework: Framework;
  split: SplitSettings;
  crossEncoder: boolean;
  /** A job's model and config to start from (?fromJob=<id>). */
  initial?: RunStart;
}

export function RunPanel(props: RunProps) {
  const { framework, task } = props;
  const configName = (TRAINER_FRAMEWORKS as readonly string[]).includes(framework) ? RUNNER_CONFIGS[framework as keyof typeof RUNNER_CONFIGS][task.task] : undefined;
  return (
    <section aria-labelledby="train-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="border-b border-slate-100 px-4 py-2.5">
        <h2 id="train-title" className="text-sm font-semibold text-slate-800">
          Train
        </h2>
      </div>
      <div className="p-4">
        {configName ? (
          // A new runner starts from its own defaults.
          <RunForm key={configName} configName={configName} {...props} />
        ) : (
          <p className="text-xs text-slate-600">
            The studio prepares rows for {framework} but trains {task.task} with {trainersOf(task.task).join(", ") || "none of its frameworks"}: choose one of those to train here.
          </p>
        )}
      </div>
    </section>
  );
}

function trainersOf(kind: string): string[] {
  return TRAINER_FRAMEWORKS.filter((f) => kind in RUNNER_CONFIGS[f]);
}

function RunForm({ configName, dataset, task, framework, split, crossEncoder, initial }: RunProps & { configName: ConfigName }) {
  const trpc = useTRPC();
  const router = useRouter();
  const mayStart = useAllows("member");
  const form = useQuery(trpc.trainingRuns.configSchema.queryOptions({ framework, task: task.task }, { staleTime: Infinity }));
  const models = useQuery(trpc.trainingRuns.models.queryOptions());
  const [config, setConfig] = useState<ConfigValues | null>(null);
  const [source, setSource] = useState<ModelSource | null>(null);
  const [jobModel, setJobModel] = useState<string>("");
  const [otherModel, setOtherModel] = useState<string>(initial?.model ?? (configName === "spacy" ? "blank:en" : ""));

  const defaults = form.data?.defaults ?? {};
  // The job's pinned config (defaults filled in) shows as what differs from today's defaults.
  const values = config ?? (initial?.config && form.data ? (jsonToConfig(JSON.stringify(initial.config), defaults).values ?? {}) : {});
  const minilm = models.data && "path" in models.data.minilm ? models.data.minilm.path : null;
  const chosenSource: ModelSource =
    source ??
    (initial?.model
      ? initial.model === minilm
        ? "minilm"
        : models.data?.jobs.some((j) => j.path === initial.model)
          ? "job"
          : "other"
      : minilm && ENCODER_CONFIGS.has(configName)
        ? "minilm"
        : "other");
  const jobPath = jobModel || (initial?.model && models.data?.jobs.some((j) => j.path === initial.model) ? initial.model : (models.data?.jobs[0]?.path ?? ""));
  const model = chosenSource === "minilm" ? (minilm ?? "") : chosenSource === "job" ? jobPath : otherModel.trim();

  // The schema, checked here as the server will: errors beside the fields at once.
  const parsed = useMemo(() => CONFIG_SCHEMAS[configName].safeParse(values), [configName, values]);
  const localErrors: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.code === "unrecognized_keys" ? issue.keys[0]! : String(issue.path[0] ?? "");
      localErrors[name] ??= issue.code === "unrecognized_keys" ? `is not a setting of the ${configName} runner` : issue.message;
    }
  }

  const request = {
    dataset,
    task,
    framework,
    model: model || "(none)",
    config: values,
    options: { ...splitInput(split), ...(crossEncoder ? { crossEncoder: true } : {}) },
  };
  const debounced = useDebouncedValue(request, 500);
  const ready = parsed.success && model !== "";
  const preflight = useQuery(
    trpc.trainingRuns.preflight.queryOptions(debounced, { enabled: ready && debounced.model !== "(none)", placeholderData: keepPreviousData, retry: false }),
  );
  const fresh = JSON.stringify(debounced) === JSON.stringify(request);
  const answer = ready ? preflight.data : undefined;
  const refusal = answer?.refusal ?? null;

  const errors = { ...localErrors };
  if (refusal?.field.startsWith("config.")) errors[refusal.field.slice("config.".length).split(".")[0]!] ??= refusal.reason;
  const examples = answer?.estimate?.examples ?? null;
  const notes = parsed.success ? configNotes(configName, parsed.data as ConfigValues, examples) : {};
  for (const check of answer?.checks ?? []) {
    if (check.field && !errors[check.field]) notes[check.field] = <span className={check.severity === "error" ? "text-rose-700" : "text-amber-700"}>{check.message}</span>;
  }

  const start = useMutation(trpc.trainingRuns.start.mutationOptions({ onSuccess: (job) => router.push(`/jobs/${job.id}`) }));
  const blocking = !ready || !!refusal || !!answer?.taskError || (answer?.checks ?? []).some((c) => c.severity === "error");

  if (form.error) return <ErrorMessage title="No config form" message={form.error.message} />;
  // The model's default choice depends on the models there are: wait for them.
  if (!form.data || (!models.data && !models.error)) return <p className="text-xs text-slate-500">Loading the {configName} config…</p>;
  const modelError = refusal?.field === "model" ? refusal.reason : chosenSource === "minilm" && !minilm && models.data && "missing" in models.data.minilm ? models.data.minilm.missing : null;
  const otherRefusal = refusal && !refusal.field.startsWith("config.") && refusal.field !== "model" ? refusal : null;

  return (
    <div className="space-y-4">
      <div className="space-y-2">
        <Segmented<ModelSource>
          legend="Model"
          value={chosenSource}
          onChange={setSource}
          options={[
            { value: "minilm", label: "MiniLM (shipped)", disabled: !minilm, title: minilm ?? (models.data && "missing" in models.data.minilm ? models.data.minilm.missing : "") },
            { value: "job", label: "An earlier job's model", disabled: !models.data?.jobs.length, title: models.data?.jobs.length ? undefined : "No training job has succeeded yet" },
            { value: "other", label: "Hub id or folder" },
          ]}
        />
        {chosenSource === "job" && (
          <Field label="Earlier job">
            {(id) => (
              <select id={id} className={cx(inputClassName, "font-sans")} value={jobPath} onChange={(event) => setJobModel(event.target.value)}>
                {models.data?.jobs.map((job) => (
                  <option key={job.jobId} value={job.path}>
                    {job.framework} · {job.task} · {job.dataset ?? "?"} · {job.finishedAt?.slice(0, 16).replace("T", " ") ?? ""} ({job.jobId.slice(0, 8)})
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {chosenSource === "other" && (
          <Field label="Model (Hub id or folder on the server)" hint="A folder must lie under the folders the studio may read (STUDIO_IMPORT_ROOTS).">
            {(id) => (
              <input
                id={id}
                className={cx(inputClassName, modelError && "border-rose-400")}
                value={otherModel}
                placeholder={configName === "spacy" ? "blank:en" : ENCODER_CONFIGS.has(configName) ? "sentence-transformers/all-MiniLM-L6-v2" : "a causal LM: owner/name or /path/to/folder"}
                onChange={(event) => setOtherModel(event.target.value)}
                spellCheck={false}
              />
            )}
          </Field>
        )}
        {chosenSource === "minilm" && minilm && <p className="break-all font-mono text-[11px] text-slate-500">{minilm}</p>}
        {modelError && (
          <p role="alert" data-testid="field-error-model" className="text-[11px] font-medium text-rose-700">
            {modelError}
          </p>
        )}
      </div>

      <div>
        <h3 className="mb-2 text-xs font-semibold text-slate-700">
          Config <span className="font-mono font-normal text-slate-500">({configName})</span>
        </h3>
        <ConfigForm settings={form.data.settings} defaults={defaults} values={values} onChange={setConfig} errors={errors} notes={notes} passThrough={form.data.passThrough} />
      </div>

      {otherRefusal && <ErrorMessage title={`Refused: ${otherRefusal.field}`} message={otherRefusal.reason} testId="start-refusal" />}
      {answer?.taskError && <ErrorMessage title="The task cannot be prepared" message={answer.taskError} />}
      {preflight.error && <ErrorMessage title="Preflight failed" message={preflight.error.message} />}

      <div className={cx("grid gap-4 lg:grid-cols-2", (!fresh || preflight.isFetching) && "opacity-60")} aria-busy={!fresh || preflight.isFetching}>
        <Checks dataset={dataset} checks={answer?.checks ?? null} checked={answer?.checked ?? null} />
        <EstimateView estimate={answer?.estimate ?? null} model={answer?.model ?? null} />
      </div>

      <div className="space-y-2 border-t border-slate-100 pt-3">
        <div className="flex flex-wrap items-center gap-3">
          <button
            type="button"
            className={primaryButtonClass}
            disabled={!mayStart || blocking || !fresh || start.isPending}
            title={!mayStart ? "Viewers cannot start training" : blocking ? "Fix what is refused above first" : undefined}
            onClick={() => start.mutate({ ...request, model })}
          >
            {start.isPending ? "Starting…" : "Start training"}
          </button>
          {!mayStart && <span className="text-xs text-slate-500">Viewers cannot start training.</span>}
          {start.error && (
            <span role="alert" className="text-xs text-rose-700">
              {start.error.message}
            </span>
          )}
        </div>
        {answer?.command && (
          <div className="space-y-1.5">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h3 className="text-xs font-semibold text-slate-700">The same job from a shell</h3>
              <span className="flex gap-2">
                <CopyButton text={answer.command} label="Copy studio train command" />
                <CopyButton text={configToJson(values)} label="Copy config.json" />
              </span>
            </div>
            <pre data-testid="train-command" className="overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-2 font-mono text-[11px] leading-relaxed text-slate-100">
              npx {answer.command}
            </pre>
            <p className="text-[11px] text-slate-500">
              With the task JSON (Export & reproduce) saved as <code className="font-mono">task.json</code> and the config as <code className="font-mono">config.json</code>.
            </p>
          </div>
        )}
      </div>
    </div>
  );
}

/** What the batch, step and warm-up settings amount to, beside them. */
function configNotes(configName: ConfigName, config: ConfigValues, examples: number | null): Record<string, ReactNode> {
  const notes: Record<string, ReactNode> = {};
  const batchKey = configName === "setfit" || configName === "spacy" ? "batch_size" : "per_device_train_batch_size";
  const plan = planSteps(configName, config, examples ?? 0);
  notes[batchKey] =
    configName === "setfit"
      ? `${plan.effectiveBatch} pairs a step (${plan.sequencesPerStep} texts)`
      : "gradient_accumulation_steps" in config
        ? `effective batch: ${config[batchKey] as number} × ${config.gradient_accumulation_steps as number} accumulation${plan.processes > 1 ? ` × ${plan.processes} processes` : ""} = ${plan.effectiveBatch}`
        : `${plan.effectiveBatch} rows a step`;
  if (examples !== null) {
    const steps = `total: ${formatNumber(plan.totalSteps)} steps (${formatNumber(plan.stepsPerEpoch)} an epoch × ${round(plan.epochs)} epochs, ${formatNumber(examples)} training examples)`;
    notes.max_steps = steps;
    const warmupKey = configName === "setfit" ? "warmup_proportion" : "warmup_steps";
    if (warmupKey in config && configName !== "spacy") {
      notes[warmupKey] =
        plan.totalSteps > 0 && plan.warmupSteps >= plan.totalSteps ? (
          <span className="text-amber-700">
            warm-up {formatNumber(plan.warmupSteps)} steps ≥ all {formatNumber(plan.totalSteps)} steps: the learning rate never reaches its value
          </span>
        ) : (
          `warm-up: ${formatNumber(plan.warmupSteps)} of ${formatNumber(plan.totalSteps)} steps`
        );
    }
  }
  return notes;
}

const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

function Checks({ dataset, checks, checked }: { dataset: string; checks: PreflightAnswer["checks"] | null; checked: PreflightAnswer["checked"] | null }) {
  return (
    <div data-testid="preflight-checks" className="space-y-2">
      <h3 className="text-xs font-semibold text-slate-700">Checks before Start</h3>
      {checks === null ? (
        <p className="text-xs text-slate-400">…</p>
      ) : checks.length === 0 ? (
        <p className="text-xs text-emerald-700">✓ No problem found{checked && ` in ${formatNumber(checked.records)} of ${formatNumber(checked.of)} records`}.</p>
      ) : (
        <ul className="space-y-2">
          {checks.map((check, i) => (
            <li key={i} className={cx("rounded-md border px-2 py-1.5 text-xs", check.severity === "error" ? "border-rose-200 bg-rose-50 text-rose-900" : "border-amber-200 bg-amber-50 text-amber-900")}>
              <p>
                <span className="font-semibold">{check.severity === "error" ? "Error" : "Warning"}:</span> {check.message}
                {check.field && <span className="font-mono text-[11px]"> ({check.field})</span>}
              </p>
              {check.records.length > 0 && (
                <p className="mt-1 flex flex-wrap items-center gap-1">
                  <span className="text-[11px]">Records:</span>
                  {check.records.map((index) => (
                    <Link key={index} href={recordHref(dataset, index)} className="rounded bg-white/70 px-1 font-mono text-[11px] underline hover:bg-white">
                      #{recordNumber(index)}
                    </Link>
                  ))}
                  {check.count > check.records.length && <span className="text-[11px]">and {formatNumber(check.count - check.records.length)} more</span>}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {checked && checked.records < checked.of && <p className="text-[11px] text-slate-500">Checked on the first {formatNumber(checked.records)} of {formatNumber(checked.of)} records.</p>}
    </div>
  );
}

function EstimateView({ estimate, model }: { estimate: PreflightAnswer["estimate"] | null; model: PreflightAnswer["model"] | null }) {
  const rows: [string, ReactNode][] = estimate
    ? [
        ["training examples", `${formatNumber(estimate.examples)}${estimate.extrapolated ? " (scaled from the first 20,000 records)" : ""}`],
        ["steps", `${formatNumber(estimate.totalSteps)} (${formatNumber(estimate.stepsPerEpoch)} an epoch, batch ${formatNumber(estimate.effectiveBatch)}, warm-up ${formatNumber(estimate.warmupSteps)})`],
        ["tokens", `${formatNumber(estimate.tokens)} (${estimate.tokensPerSequence.toFixed(0)} a sequence${model && "approximate" in model.tokenizer ? ", approximated: " + model.tokenizer.approximate : ""})`],
        ["wall time", estimate.seconds === null ? "—" : `~${formatDuration(estimate.seconds)} on this machine's ${estimate.device.toUpperCase()}`],
        ["peak memory", estimate.peakMemoryMb === null ? "—" : `~${formatNumber(Math.round(estimate.peakMemoryMb))} MB`],
      ]
    : [];
  return (
    <div data-testid="estimate" className="space-y-2">
      <h3 className="text-xs font-semibold text-slate-700">Estimate</h3>
      {estimate ? (
        <>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
            {rows.map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="text-slate-500">{label}</dt>
                <dd className="tabular-nums text-slate-800">{value}</dd>
              </div>
            ))}
          </dl>
          <p className="text-[11px] text-slate-500">{estimate.basis}</p>
        </>
      ) : (
        <p className="text-xs text-slate-400">…</p>
      )}
    </div>
  );
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
