/**
 * The config form's values and its JSON view, one to the other. The form holds only the settings
 * that differ from the framework's defaults (the JSON view shows exactly those, `{}` being all
 * defaults, which is what config.json and Start receive); each field shows its value or the default.
 * A field's kind comes from the setting's JSON Schema (configForm). No React.
 */
export type ConfigValues = Record<string, unknown>;

export interface SettingSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: SettingSchema[];
  [key: string]: unknown;
}

export type FieldKind =
  | { kind: "number"; integer: boolean; nullable: boolean }
  | { kind: "boolean"; nullable: boolean }
  | { kind: "enum"; options: string[]; nullable: boolean }
  | { kind: "text"; nullable: boolean }
  /** Lists, unions: edited as JSON. */
  | { kind: "json" };

/** How a setting is edited, from its JSON Schema. */
export function fieldKind(schema: SettingSchema): FieldKind {
  const variants = schema.anyOf ?? [schema];
  const nullable = variants.some((v) => v.type === "null") || (Array.isArray(schema.type) && schema.type.includes("null"));
  const real = variants.filter((v) => v.type !== "null");
  if (real.length !== 1) return { kind: "json" };
  const only = real[0]!;
  const type = Array.isArray(only.type) ? only.type.find((t) => t !== "null") : only.type;
  if (Array.isArray(only.enum)) return { kind: "enum", options: only.enum.map(String), nullable };
  if (type === "integer" || type === "number") return { kind: "number", integer: type === "integer", nullable };
  if (type === "boolean") return { kind: "boolean", nullable };
  if (type === "string") return { kind: "text", nullable };
  return { kind: "json" };
}

/** What a field's input shows for a value (null → "", JSON kinds as JSON). */
export function valueToInput(kind: FieldKind, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (kind.kind === "json") return JSON.stringify(value);
  return String(value);
}

/**
 * A field's typed text as the config value: numbers parsed (text that is not a number is kept as
 * typed, for the schema to refuse beside the field), "" → null where nullable, else unset.
 */
export function inputToValue(kind: FieldKind, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return "nullable" in kind && kind.nullable ? null : undefined;
  switch (kind.kind) {
    case "number": {
      const n = Number(trimmed);
      return Number.isFinite(n) ? n : text;
    }
    case "boolean":
      return trimmed === "true" ? true : trimmed === "false" ? false : text;
    case "json":
      try {
        return JSON.parse(trimmed) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/** Sets one setting: a value equal to the default (or unset) is dropped, so the config stays minimal. */
export function setSetting(values: ConfigValues, name: string, value: unknown, defaults: ConfigValues): ConfigValues {
  const { [name]: _, ...rest } = values;
  if (value === undefined || (name in defaults && JSON.stringify(defaults[name]) === JSON.stringify(value))) return rest;
  return { ...rest, [name]: value };
}

/** The JSON view of the form's values. */
export function configToJson(values: ConfigValues): string {
  return JSON.stringify(values, null, 2);
}

/** The JSON view's text back into form values, or why it is not a config. Defaults given again are dropped. */
export function jsonToConfig(text: string, defaults: ConfigValues): { values: ConfigValues; error: null } | { values: null; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim() === "" ? "{}" : text);
  } catch (error) {
    return { values: null, error: `not JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { values: null, error: "a config is a JSON object ({\"setting\": value, …})" };
  let values: ConfigValues = {};
  for (const [name, value] of Object.entries(parsed)) values = setSetting(values, name, value, defaults);
  return { values, error: null };
}
