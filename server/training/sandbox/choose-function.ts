/**
 * Which of the functions in the user's code is the formatting function. The rule, in order:
 *   1. `functionName`, when given: the top-level function or export with that name;
 *   2. the default export: `export default function (sample) {…}` (or CommonJS `module.exports = fn`);
 *   3. the source's value, when it is a function: a lone `(sample) => …` or
 *      `function (sample) {…}`, or such an expression as the last statement after some helpers;
 *   4. the only exported function, then the only top-level function (`function f`,
 *      `function* f`, or `const/let/var f =` a function);
 *   5. among several, the one named `formatting_func` (Argilla's conventional name).
 * Anything else is a "not-a-function" error that says what was expected.
 */
import { FormattingFunctionError } from "./errors";

/** One function the driver found in the user's code (several entries may share an id). */
export interface FoundFunction {
  name: string;
  origin: "default" | "export" | "completion" | "declaration";
  /** Identifies the function value: an exported declaration appears twice with one id. */
  id: number;
}

export const CONVENTIONAL_NAME = "formatting_func";

const EXPECTED =
  "expected a function such as `function formatting_func(sample) { … }`, `(sample) => …`, " +
  "`function* formatting_func(sample) { … }` or `export default function (sample) { … }`";

export function chooseFunction(found: readonly FoundFunction[], functionName?: string): number {
  const named = (name: string) => found.find((f) => f.name === name && f.origin !== "completion");
  if (functionName) {
    const match = named(functionName);
    if (match) return match.id;
    throw notAFunction(`no function named "${functionName}" found${listing(found)}; ${EXPECTED}`);
  }
  const from = (...origins: FoundFunction["origin"][]) => distinct(found.filter((f) => origins.includes(f.origin)));
  const [defaultExport] = from("default");
  if (defaultExport) return defaultExport.id;
  const [completion] = from("completion");
  if (completion) return completion.id;
  const exported = from("export");
  if (exported.length === 1) return exported[0].id;
  const all = from("export", "declaration");
  if (all.length === 1) return all[0].id;
  const conventional = named(CONVENTIONAL_NAME);
  if (conventional) return conventional.id;
  if (all.length === 0) throw notAFunction(`no function found in the formatting function's source: ${EXPECTED}`);
  throw notAFunction(
    `found ${all.length} top-level functions (${all.map((f) => f.name).join(", ")}) and none is named ` +
      `${CONVENTIONAL_NAME}; name the one to call ${CONVENTIONAL_NAME} or set function_name`,
  );
}

function distinct(found: readonly FoundFunction[]): FoundFunction[] {
  const seen = new Set<number>();
  return found.filter((f) => !seen.has(f.id) && seen.add(f.id));
}

function listing(found: readonly FoundFunction[]): string {
  const names = [...new Set(found.filter((f) => f.origin !== "completion").map((f) => f.name))];
  return names.length > 0 ? ` (the source defines ${names.join(", ")})` : "";
}

function notAFunction(message: string): FormattingFunctionError {
  return new FormattingFunctionError("not-a-function", message);
}
