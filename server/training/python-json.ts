/**
 * `json.dumps` exactly as Python writes it with default arguments: separators ", " and ": ",
 * ASCII-only output (non-ASCII as lowercase \uXXXX UTF-16 escapes), NaN/Infinity literals and
 * Python's float repr. Argilla puts record metadata into the formatting-function `sample` this way,
 * so user functions that parse or compare it see the same string as in Python.
 */
export function pythonJsonDumps(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join("");
}

function write(value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push("null");
  } else if (typeof value === "string") {
    out.push(pythonString(value));
  } else if (typeof value === "number") {
    out.push(pythonNumber(value));
  } else if (typeof value === "boolean") {
    out.push(value ? "true" : "false");
  } else if (typeof value === "bigint") {
    out.push(value.toString());
  } else if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(", ");
      write(item, out);
    });
    out.push("]");
  } else if (typeof value === "object") {
    out.push("{");
    let first = true;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === undefined) continue; // JSON has no undefined; Python dicts cannot hold it either
      if (!first) out.push(", ");
      first = false;
      out.push(pythonString(key), ": ");
      write(item, out);
    }
    out.push("}");
  } else {
    throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
  }
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** Python's ensure_ascii escaping: everything outside printable ASCII (space..~) is escaped. */
export function pythonString(text: string): string {
  let result = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e && code !== 0x22 && code !== 0x5c) continue;
    result += text.slice(start, i);
    result += SHORT_ESCAPES[text[i]!] ?? "\\u" + code.toString(16).padStart(4, "0");
    start = i + 1;
  }
  return result + text.slice(start) + '"';
}

/**
 * Python's repr for numbers. JavaScript cannot tell 1 from 1.0, so integral values below 1e16 are
 * written as ints (what json.loads of Argilla's metadata normally gives); other values follow
 * float repr: shortest round-trip digits, fixed notation for exponents in [-4, 16), otherwise
 * scientific with a signed, at-least-two-digit exponent ("1e-07", "1.5e+16").
 */
export function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return Object.is(value, -0) ? "-0.0" : String(value);
  const [mantissa, exponentText] = value.toExponential().split("e") as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    const pointAt = exponent + 1;
    let fixed: string;
    if (pointAt <= 0) fixed = "0." + "0".repeat(-pointAt) + digits;
    else if (pointAt >= digits.length) fixed = digits + "0".repeat(pointAt - digits.length) + ".0";
    else fixed = digits.slice(0, pointAt) + "." + digits.slice(pointAt);
    return sign + fixed;
  }
  const mantissaText = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
  const expSign = exponent < 0 ? "-" : "+";
  return `${sign}${mantissaText}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}
