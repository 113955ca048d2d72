"use client";
/** The builder's sidebar: task, definition mode, framework, mapping, split and filter. */
import { useMemo } from "react";
import { cx } from "~/components/ui";
import { STATUS_FILTERS, type StatusFilter } from "~/server/feedback/schema";
import {
  MODE_LABELS,
  RESPONSES_MODE_LIST,
  type BuilderState,
  type Framework,
  type FunctionLanguage,
  type MessageSpec,
  type SplitSettings,
  type TaskJson,
  type TaskKind,
  type TaskMode,
  type TemplateSpec,
} from "./builder-state";
import { exampleFunction } from "./example-functions";
import { availableModes, slotsOf, defaultMessages } from "./starting-tasks";
import { getPath, referencedNames, setPath, slotName } from "./task-editing";
import { CodeEditor } from "./code-editor";
import { Field, Segmented, selectClass, smallButtonClass, Step } from "./controls";
import { MessagesEditor } from "./messages-editor";
import { TemplateSlotEditor, type PlaceholderInfo } from "./template-editor";
import type { DatasetSettings, SlotInfo, TrainingOptions } from "./types";

const inputClass =
  "w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm tabular-nums shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";

export interface TaskFormProps {
  state: BuilderState;
  options: TrainingOptions;
  settings: DatasetSettings;
  onKind: (kind: TaskKind) => void;
  onMode: (mode: TaskMode) => void;
  onFramework: (framework: Framework) => void;
  onTask: (task: TaskJson) => void;
  onSplit: (split: SplitSettings) => void;
  onCrossEncoder: (value: boolean) => void;
}

export function TaskForm({ state, options, settings, onKind, onMode, onFramework, onTask, onSplit, onCrossEncoder }: TaskFormProps) {
  const { task } = state;
  const availability = options.tasks.find((t) => t.task === task.task);
  const modes = availableModes(options, task.task);
  const frameworks = (options.frameworks[task.task] ?? []) as Framework[];
  const placeholders = useMemo<PlaceholderInfo[]>(() => {
    const fields = new Map(settings.fields.map((f) => [f.name, f.title]));
    const questions = new Map(settings.questions.map((q) => [q.name, q.title]));
    return options.placeholders.map((name) =>
      fields.has(name) ? { name, kind: "field", title: fields.get(name) } : { name, kind: "question", title: questions.get(name) },
    );
  }, [options.placeholders, settings]);
  const rankingValues = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const q of settings.questions) if (q.type === "ranking") map.set(q.name, (Array.isArray(q.values) ? q.values : Object.keys(q.values)).map(String));
    return map;
  }, [settings]);

  const modeOptions = (["default", "template", "function"] as const)
    .filter((m) => availability?.modes[m] !== null)
    .map((m) => ({
      value: m,
      label: MODE_LABELS[m],
      disabled: !modes.includes(m),
      title: availability?.modes[m]?.reason,
    }));
  const unavailable = modeOptions.filter((m) => m.disabled && m.title);

  return (
    <div className="divide-y divide-slate-100">
      <Step n={1} title="Task">
        <Field label="Task" hint={availability && !availability.modes.template.available && !availability.modes.default?.available ? "This dataset can train it with a formatting function only." : undefined}>
          {(id) => (
            <select id={id} value={task.task} onChange={(e) => onKind(e.target.value as TaskKind)} className={selectClass}>
              {options.tasks.map((t) => {
                const declarative = t.modes.default?.available || t.modes.template.available;
                return (
                  <option key={t.task} value={t.task}>
                    {t.title}
                    {declarative ? "" : " (function only)"}
                  </option>
                );
              })}
            </select>
          )}
        </Field>
      </Step>

      <Step n={2} title="Definition">
        <Segmented legend="Definition mode" value={task.mode} options={modeOptions} onChange={onMode} />
        {unavailable.length > 0 && (
          <ul className="space-y-0.5 text-[11px] leading-snug text-slate-500">
            {unavailable.map((m) => (
              <li key={m.value}>
                <span className="font-medium text-slate-600">{m.label}</span> unavailable: {m.title}
              </li>
            ))}
          </ul>
        )}
        {availability?.modes.default === null && task.mode !== "function" && (
          <p className="text-[11px] text-slate-500">Argilla has no defaults for this task: use a template or a formatting function.</p>
        )}
      </Step>

      <Step n={3} title="Framework">
        <Field label="Framework">
          {(id) => (
            <select id={id} value={state.framework} onChange={(e) => onFramework(e.target.value as Framework)} className={selectClass}>
              {frameworks.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          )}
        </Field>
        {state.framework === "sentence-transformers" && (
          <label className="flex items-center gap-2 text-xs text-slate-700">
            <input type="checkbox" checked={state.crossEncoder} onChange={(e) => onCrossEncoder(e.target.checked)} className="accent-indigo-600" />
            Cross-encoder (pairs with a score; no triplets)
          </label>
        )}
      </Step>

      <Step n={4} title="Mapping">
        {task.mode === "default" && <DefaultMapping task={task} slots={slotsOf(options, task.task, "default")} options={options} settings={settings} onTask={onTask} />}
        {task.mode === "template" && (
          <TemplateMapping
            task={task}
            slots={slotsOf(options, task.task, "template")}
            options={options}
            settings={settings}
            placeholders={placeholders}
            rankingValues={rankingValues}
            onTask={onTask}
          />
        )}
        {task.mode === "function" && <FunctionMapping task={task} options={options} settings={settings} onTask={onTask} />}
      </Step>

      <Step n={5} title="Split & filter">
        <SplitForm split={state.split} onSplit={onSplit} />
      </Step>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

function SlotSelect({ slot, value, onChange }: { slot: SlotInfo; value: string | undefined; onChange: (value: string | undefined) => void }) {
  const name = slotName(slot.slot);
  return (
    <Field label={<span className="font-mono">{name}</span>} hint={slot.description}>
      {(id) => (
        <select id={id} value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)} className={selectClass}>
          {(!slot.required || value === undefined) && <option value="">{slot.required ? "Choose…" : "None"}</option>}
          {slot.candidates.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function FieldsSelect({ slot, value, onChange }: { slot: SlotInfo; value: string[]; onChange: (value: string[]) => void }) {
  const max = slot.count?.max ?? 3;
  const min = slot.count?.min ?? 2;
  return (
    <fieldset className="space-y-1.5">
      <legend className="text-xs font-medium text-slate-700">
        <span className="font-mono">{slotName(slot.slot)}</span> <span className="font-normal text-slate-500">({min} or {max}: pairs or triplets)</span>
      </legend>
      {Array.from({ length: max }, (_, i) => (
        <select
          key={i}
          aria-label={`${slotName(slot.slot)} ${i + 1}`}
          value={value[i] ?? ""}
          onChange={(e) => {
            const next = [...value];
            if (e.target.value) next[i] = e.target.value;
            else next.splice(i, 1);
            onChange(next.filter(Boolean));
          }}
          className={selectClass}
        >
          {i >= min && <option value="">None</option>}
          {slot.candidates.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      ))}
    </fieldset>
  );
}

/** Strategy selects for the questions a task uses (label questions write `label_strategy`). */
function Strategies({ task, options, settings, onTask, disabled }: { task: TaskJson; options: TrainingOptions; settings: DatasetSettings; onTask: (task: TaskJson) => void; disabled?: boolean }) {
  const used = referencedNames(task);
  const labelQuestion = typeof task.label === "string" ? task.label : undefined;
  const labelTask = task.task === "text_classification" || task.task === "sentence_similarity";
  // The default mode takes a strategy for its label question only (label_strategy).
  const questions = settings.questions.filter(
    (q) => options.strategies[q.name] && used.has(q.name) && (task.mode !== "default" || (labelTask && q.name === labelQuestion)),
  );
  if (!questions.length) return null;
  const strategies = (task.strategies ?? {}) as Record<string, string>;
  return (
    <fieldset className="space-y-2" disabled={disabled}>
      <legend className="text-xs font-medium text-slate-700">Unification strategies</legend>
      {disabled && <p className="text-[11px] text-slate-500">Strategies apply when responses are unified.</p>}
      {questions.map((q) => {
        const { options: choices, default: fallback } = options.strategies[q.name]!;
        const isLabel = labelTask && q.name === labelQuestion;
        const current = (isLabel ? (task.label_strategy as string | undefined) : strategies[q.name]) ?? fallback;
        const set = (value: string) => {
          const v = value === fallback ? undefined : value;
          if (isLabel) onTask(setPath(task, "label_strategy", v));
          else {
            const next = { ...strategies };
            if (v) next[q.name] = v;
            else delete next[q.name];
            onTask(setPath(task, "strategies", Object.keys(next).length ? next : undefined));
          }
        };
        return (
          <Field key={q.name} label={`Strategy for ${q.name}`} hint={`${q.type.replace(/_/g, " ")} question`}>
            {(id) => (
              <select id={id} value={current} onChange={(e) => set(e.target.value)} className={selectClass}>
                {choices.map((s) => (
                  <option key={s} value={s}>
                    {s}
                    {s === fallback ? " (default)" : ""}
                  </option>
                ))}
              </select>
            )}
          </Field>
        );
      })}
    </fieldset>
  );
}

function DefaultMapping({ task, slots, options, settings, onTask }: { task: TaskJson; slots: SlotInfo[]; options: TrainingOptions; settings: DatasetSettings; onTask: (task: TaskJson) => void }) {
  return (
    <div className="space-y-3">
      {slots.map((slot) =>
        slot.accepts === "fields" ? (
          <FieldsSelect key={slot.slot} slot={slot} value={(getPath(task, slot.slot) as string[] | undefined) ?? []} onChange={(v) => onTask(setPath(task, slot.slot, v))} />
        ) : (
          <SlotSelect key={slot.slot} slot={slot} value={getPath(task, slot.slot) as string | undefined} onChange={(v) => onTask(setPath(task, slot.slot, v))} />
        ),
      )}
      <Strategies task={task} options={options} settings={settings} onTask={onTask} />
    </div>
  );
}

function TemplateMapping({
  task,
  slots,
  options,
  settings,
  placeholders,
  rankingValues,
  onTask,
}: {
  task: TaskJson;
  slots: SlotInfo[];
  options: TrainingOptions;
  settings: DatasetSettings;
  placeholders: PlaceholderInfo[];
  rankingValues: Map<string, string[]>;
  onTask: (task: TaskJson) => void;
}) {
  const fields = settings.fields.map((f) => f.name);
  const template = (task.template ?? {}) as Record<string, unknown>;
  // SFT: a text template or a conversation, one of them.
  const sftConversation = task.task === "supervised_fine_tuning" && "messages" in template;
  const visible = slots.filter((slot) => {
    if (task.task !== "supervised_fine_tuning") return true;
    if (slot.slot === "template.messages") return sftConversation;
    if (slot.slot === "template.text") return !sftConversation;
    return true;
  });
  const responses = (task.responses as string | undefined) ?? "unified";
  return (
    <div className="space-y-3">
      {task.task === "supervised_fine_tuning" && (
        <Segmented
          legend="Training text"
          value={sftConversation ? "messages" : "text"}
          options={[
            { value: "text", label: "Text template" },
            { value: "messages", label: "Conversation" },
          ]}
          onChange={(v) =>
            onTask(
              setPath(task, "template", v === "messages" ? { messages: defaultMessages({ fields, textQuestions: settings.questions.filter((q) => q.type === "text").map((q) => q.name) }) } : { text: `{${fields[0] ?? "text"}}` }),
            )
          }
        />
      )}
      {visible.map((slot) => {
        const name = slotName(slot.slot);
        switch (slot.accepts) {
          case "template":
            return (
              <TemplateSlotEditor
                key={slot.slot}
                name={name}
                description={slot.description}
                spec={getPath(task, slot.slot) as TemplateSpec | undefined}
                onChange={(spec) => onTask(setPath(task, slot.slot, spec))}
                placeholders={placeholders}
                rankings={options.rankings}
                rankingValues={rankingValues}
              />
            );
          case "templates": {
            const specs = (getPath(task, slot.slot) as TemplateSpec[] | undefined) ?? [];
            const max = slot.count?.max ?? 3;
            const min = slot.count?.min ?? 2;
            return (
              <div key={slot.slot} className="space-y-2">
                <p className="text-xs text-slate-600">{slot.description}</p>
                {specs.map((spec, i) => (
                  <TemplateSlotEditor
                    key={i}
                    name={`${name} ${i + 1}`}
                    spec={spec}
                    onChange={(next) => onTask(setPath(task, slot.slot, specs.map((s, j) => (j === i ? next : s))))}
                    placeholders={placeholders}
                    rankings={options.rankings}
                    rankingValues={rankingValues}
                  />
                ))}
                <div className="flex gap-1.5">
                  <button type="button" className={smallButtonClass} disabled={specs.length >= max} onClick={() => onTask(setPath(task, slot.slot, [...specs, `{${fields[0] ?? "text"}}`]))}>
                    + Text
                  </button>
                  <button type="button" className={smallButtonClass} disabled={specs.length <= min} onClick={() => onTask(setPath(task, slot.slot, specs.slice(0, -1)))}>
                    − Last text
                  </button>
                </div>
              </div>
            );
          }
          case "messages":
            return (
              <div key={slot.slot} className="space-y-1">
                <p className="text-xs font-medium text-slate-700">Messages</p>
                <MessagesEditor
                  messages={(getPath(task, slot.slot) as MessageSpec[] | undefined) ?? []}
                  onChange={(messages) => onTask(setPath(task, slot.slot, messages))}
                  placeholders={placeholders}
                  fields={fields}
                  rankings={options.rankings}
                  rankingValues={rankingValues}
                />
              </div>
            );
          case "question":
          case "field":
            return <SlotSelect key={slot.slot} slot={slot} value={getPath(task, slot.slot) as string | undefined} onChange={(v) => onTask(setPath(task, slot.slot, v))} />;
          default:
            return null;
        }
      })}
      <Field label="Responses" hint="How a question placeholder gets its value from the annotators’ responses.">
        {(id) => (
          <select id={id} value={responses} onChange={(e) => onTask(setPath(task, "responses", e.target.value === "unified" ? undefined : e.target.value))} className={selectClass}>
            {RESPONSES_MODE_LIST.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Strategies task={task} options={options} settings={settings} onTask={onTask} disabled={responses !== "unified"} />
    </div>
  );
}

function FunctionMapping({ task, options, settings, onTask }: { task: TaskJson; options: TrainingOptions; settings: DatasetSettings; onTask: (task: TaskJson) => void }) {
  const func = (task.formatting_func ?? {}) as { language?: FunctionLanguage; source?: string; function_name?: string };
  const language = func.language ?? "javascript";
  const source = func.source ?? "";
  const setFunc = (patch: Partial<typeof func>) => onTask({ ...task, formatting_func: { ...func, language, source, ...patch } });
  const isExample = (lang: FunctionLanguage) => source.trim() === exampleFunction(task.task, settings, options, lang).trim();
  const labels = task.labels as string[] | undefined;
  return (
    <div className="space-y-3">
      <div className="flex items-end gap-2">
        <Field label="Language" className="flex-1">
          {(id) => (
            <select
              id={id}
              value={language}
              onChange={(e) => {
                const next = e.target.value as FunctionLanguage;
                // The untouched example follows the language; edited code is kept as it is.
                setFunc({ language: next, ...(isExample(language) ? { source: exampleFunction(task.task, settings, options, next) } : {}) });
              }}
              className={selectClass}
            >
              <option value="javascript">JavaScript</option>
              <option value="typescript">TypeScript</option>
            </select>
          )}
        </Field>
        <button type="button" className={cx(smallButtonClass, "mb-0.5")} disabled={isExample(language)} onClick={() => setFunc({ source: exampleFunction(task.task, settings, options, language) })}>
          Reset to example
        </button>
      </div>
      <CodeEditor label="Formatting function code" value={source} onChange={(value) => setFunc({ source: value })} />
      <p className="text-[11px] leading-snug text-slate-500">
        Runs in a sandbox (QuickJS) on each record, as Argilla’s <code>formatting_func</code> does. A function that throws or returns the wrong shape marks that
        record with an error; returning <code>null</code> skips it.
      </p>
      {task.task === "text_classification" && (
        <Field label="Labels (optional)" hint="Comma-separated, in id order. Without them: the labels the function returns, sorted.">
          {(id) => (
            <input
              id={id}
              value={labels?.join(", ") ?? ""}
              onChange={(e) => {
                const list = e.target.value
                  .split(",")
                  .map((s) => s.trim())
                  .filter(Boolean);
                onTask(setPath(task, "labels", list.length ? list : undefined));
              }}
              className={inputClass}
              placeholder="positive, negative, neutral"
            />
          )}
        </Field>
      )}
    </div>
  );
}

function SplitForm({ split, onSplit }: { split: SplitSettings; onSplit: (split: SplitSettings) => void }) {
  const num = (raw: string) => (raw.trim() === "" ? null : Number(raw));
  const toggle = (status: StatusFilter, on: boolean) => onSplit({ ...split, statuses: on ? [...split.statuses, status] : split.statuses.filter((s) => s !== status) });
  return (
    <div className="space-y-3">
      <div className="grid grid-cols-2 gap-2">
        <Field label="Train size">
          {(id) => (
            <input
              id={id}
              type="number"
              min={0.05}
              max={1}
              step={0.05}
              value={split.trainSize}
              onChange={(e) => {
                const v = num(e.target.value);
                if (v !== null && v > 0 && v <= 1) onSplit({ ...split, trainSize: v });
              }}
              className={inputClass}
            />
          )}
        </Field>
        <Field label="Test size">
          {(id) => (
            <input
              id={id}
              type="number"
              min={0}
              max={0.95}
              step={0.05}
              placeholder={String(Math.round((1 - split.trainSize) * 1000) / 1000)}
              value={split.testSize ?? ""}
              onChange={(e) => {
                const v = num(e.target.value);
                if (v === null || (v >= 0 && v < 1)) onSplit({ ...split, testSize: v });
              }}
              className={inputClass}
            />
          )}
        </Field>
        <Field label="Seed">
          {(id) => (
            <input
              id={id}
              type="number"
              step={1}
              value={split.seed}
              onChange={(e) => {
                const v = num(e.target.value);
                if (v !== null && Number.isInteger(v)) onSplit({ ...split, seed: v });
              }}
              className={inputClass}
            />
          )}
        </Field>
        <Field label="Max records">
          {(id) => (
            <input
              id={id}
              type="number"
              min={1}
              step={1}
              placeholder="all"
              value={split.maxRecords ?? ""}
              onChange={(e) => {
                const v = num(e.target.value);
                if (v === null || (Number.isInteger(v) && v > 0)) onSplit({ ...split, maxRecords: v });
              }}
              className={inputClass}
            />
          )}
        </Field>
      </div>
      <fieldset>
        <legend className="mb-1 text-xs font-medium text-slate-700">Filter by response status</legend>
        <div className="flex flex-wrap gap-x-3 gap-y-1">
          {STATUS_FILTERS.map((status) => (
            <label key={status} className="flex items-center gap-1.5 text-xs text-slate-700">
              <input type="checkbox" checked={split.statuses.includes(status)} onChange={(e) => toggle(status, e.target.checked)} className="accent-indigo-600" />
              {status}
            </label>
          ))}
        </div>
        <p className="mt-1 text-[11px] text-slate-500">{split.statuses.length ? "Records without a response of these statuses are dropped (filtered_out)." : "No filter: every record is considered."}</p>
      </fieldset>
    </div>
  );
}
