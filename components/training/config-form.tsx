"use client";
/**
 * The runner's config as a form generated from its schema (tRPC trainingRuns.configSchema): basic
 * settings first, advanced ones behind a toggle, a JSON view that round-trips with the fields
 * (config-json.ts). Each field shows its value or the framework's default, its description, and
 * beside it why it is refused (the schema, checked here as the server checks it, or the server's
 * refusal) and what it amounts to (`notes`: effective batch, total steps, warm-up against steps).
 */
import { useState, type ReactNode } from "react";
import { cx } from "~/components/ui";
import type { ConfigSetting } from "~/server/training-runs/configs";
import { configToJson, fieldKind, inputToValue, jsonToConfig, setSetting, valueToInput, type ConfigValues, type FieldKind } from "./config-json";
import { Field, selectClass, smallButtonClass, textareaClass } from "./controls";

export const inputClassName =
  "w-full rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-xs shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";

export interface ConfigFormProps {
  settings: ConfigSetting[];
  defaults: ConfigValues;
  values: ConfigValues;
  onChange: (values: ConfigValues) => void;
  /** Why a setting is refused, by setting name. */
  errors: Record<string, string>;
  /** What a setting amounts to, by setting name. */
  notes: Record<string, ReactNode>;
  /** Whether settings outside the schema pass through to the framework (shown in the JSON view). */
  passThrough: boolean;
}

export function ConfigForm({ settings, defaults, values, onChange, errors, notes, passThrough }: ConfigFormProps) {
  const [advanced, setAdvanced] = useState(false);
  const [jsonOpen, setJsonOpen] = useState(false);
  const [jsonDraft, setJsonDraft] = useState<string | null>(null);
  const [jsonError, setJsonError] = useState<string | null>(null);
  // Fields own their typed text; a change from the JSON view starts them afresh.
  const [revision, setRevision] = useState(0);

  const basic = settings.filter((s) => s.level === "basic");
  const rest = settings.filter((s) => s.level === "advanced");
  // An advanced setting that is set or refused is shown even with the toggle off.
  const shownAdvanced = advanced ? rest : rest.filter((s) => s.name in values || errors[s.name]);
  const fromForm = (next: ConfigValues) => {
    setJsonDraft(null);
    onChange(next);
  };
  const json = jsonDraft ?? configToJson(values);

  return (
    <div className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2">
        {basic.map((setting) => (
          <SettingField key={`${setting.name}:${revision}`} setting={setting} defaults={defaults} values={values} onChange={fromForm} error={errors[setting.name]} note={notes[setting.name]} />
        ))}
      </div>
      <div className="flex flex-wrap gap-2">
        <button type="button" className={smallButtonClass} aria-expanded={advanced} onClick={() => setAdvanced((a) => !a)}>
          {advanced ? "Hide" : "Show"} advanced settings ({rest.length})
        </button>
        <button type="button" className={smallButtonClass} aria-expanded={jsonOpen} onClick={() => setJsonOpen((o) => !o)}>
          {jsonOpen ? "Hide" : "Edit as"} JSON
        </button>
      </div>
      {shownAdvanced.length > 0 && (
        <div className="grid gap-3 border-t border-slate-100 pt-3 sm:grid-cols-2" data-testid="advanced-settings">
          {shownAdvanced.map((setting) => (
            <SettingField key={`${setting.name}:${revision}`} setting={setting} defaults={defaults} values={values} onChange={fromForm} error={errors[setting.name]} note={notes[setting.name]} />
          ))}
        </div>
      )}
      {jsonOpen && (
        <Field
          label="Config JSON (the settings that differ from the defaults)"
          hint={passThrough ? "Other keys pass through to the framework's own arguments class." : "Only the settings above are accepted."}
        >
          {(id) => (
            <>
              <textarea
                id={id}
                data-testid="config-json"
                className={cx(textareaClass, "min-h-32")}
                spellCheck={false}
                value={json}
                onChange={(event) => {
                  const text = event.target.value;
                  setJsonDraft(text);
                  const parsed = jsonToConfig(text, defaults);
                  setJsonError(parsed.error);
                  if (parsed.values) {
                    onChange(parsed.values);
                    setRevision((r) => r + 1);
                  }
                }}
              />
              {jsonError && (
                <p role="alert" className="text-[11px] text-rose-700">
                  {jsonError}
                </p>
              )}
            </>
          )}
        </Field>
      )}
    </div>
  );
}

function SettingField({
  setting,
  defaults,
  values,
  onChange,
  error,
  note,
}: {
  setting: ConfigSetting;
  defaults: ConfigValues;
  values: ConfigValues;
  onChange: (values: ConfigValues) => void;
  error?: string;
  note?: ReactNode;
}) {
  const kind = fieldKind(setting.schema);
  const set = setting.name in values;
  const shown = set ? values[setting.name] : defaults[setting.name];
  const [draft, setDraft] = useState(valueToInput(kind, shown));
  const change = (text: string) => {
    setDraft(text);
    onChange(setSetting(values, setting.name, inputToValue(kind, text), defaults));
  };
  return (
    <Field
      label={
        <span className="flex items-center gap-1.5">
          <span className="font-mono">{setting.name}</span>
          {!set && setting.default !== undefined && <span className="text-[10px] font-normal text-slate-400">default</span>}
        </span>
      }
      hint={setting.description}
    >
      {(id) => (
        <div className="space-y-1">
          <Control id={id} kind={kind} draft={draft} onText={change} invalid={!!error} placeholder={setting.default === null ? "null" : undefined} />
          {error && (
            <p role="alert" data-testid={`field-error-${setting.name}`} className="text-[11px] font-medium text-rose-700">
              {error}
            </p>
          )}
          {note && (
            <p data-testid={`field-note-${setting.name}`} className="text-[11px] text-indigo-700">
              {note}
            </p>
          )}
        </div>
      )}
    </Field>
  );
}

function Control({ id, kind, draft, onText, invalid, placeholder }: { id: string; kind: FieldKind; draft: string; onText: (text: string) => void; invalid: boolean; placeholder?: string }) {
  const invalidClass = invalid ? "border-rose-400 ring-1 ring-rose-300" : "";
  if (kind.kind === "boolean" || kind.kind === "enum") {
    const options = kind.kind === "boolean" ? ["true", "false"] : kind.options;
    return (
      <select id={id} className={cx(selectClass, "text-xs", invalidClass)} value={draft} aria-invalid={invalid} onChange={(event) => onText(event.target.value)}>
        {kind.nullable && <option value="">null</option>}
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      id={id}
      type="text"
      inputMode={kind.kind === "number" ? "decimal" : undefined}
      className={cx(inputClassName, invalidClass)}
      value={draft}
      placeholder={placeholder}
      aria-invalid={invalid}
      spellCheck={false}
      onChange={(event) => onText(event.target.value)}
    />
  );
}
