/**
 * A small YAML emitter that reproduces `yaml.safe_dump(data)` (PyYAML defaults: block style, keys
 * sorted, indent 2, width 80, ASCII-only) for the data an argilla.yaml holds: mappings, sequences
 * of scalars or mappings, strings, integers, floats (wrapped in PyFloat), booleans and null.
 * Scalar style choice (plain / single-quoted / double-quoted) and line folding follow PyYAML's
 * emitter (`analyze_scalar`, `choose_scalar_style`, `write_plain`, `write_single_quoted`,
 * `write_double_quoted`) and the implicit resolvers of YAML 1.1.
 */
import { PyFloat, pyFloatRepr } from "./pyjson";

export type YamlValue = null | boolean | number | string | PyFloat | YamlValue[] | { [key: string]: YamlValue };

const BEST_WIDTH = 80;
const BEST_INDENT = 2;
const BREAKS = "\n\x85\u2028\u2029";
const SPACE_OR_BREAK = "\0 \t\r\n\x85\u2028\u2029";

// YAML 1.1 implicit resolvers (PyYAML's Resolver): a plain scalar matching one of them is not a string.
const IMPLICIT: RegExp[] = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  /^(?:=)$/,
];

// Python's `$` also matches just before a final newline.
const resolvesToString = (text: string): boolean => {
  const t = text.endsWith("\n") ? text.slice(0, -1) : text;
  return !IMPLICIT.some((re) => re.test(text) || re.test(t));
};

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

function analyzeScalar(chars: string[]): Analysis {
  if (chars.length === 0) {
    return { empty: true, multiline: false, allowBlockPlain: true, allowSingleQuoted: true };
  }
  const text = chars.join("");
  let blockIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false;
  if (text.startsWith("---") || text.startsWith("...")) blockIndicators = true;
  let precededByWhitespace = true;
  let followedByWhitespace = chars.length === 1 || SPACE_OR_BREAK.includes(chars[1]);
  let previousSpace = false, previousBreak = false;
  for (let index = 0; index < chars.length; index++) {
    const ch = chars[index];
    if (index === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(ch)) blockIndicators = true;
      if ("?:".includes(ch) && followedByWhitespace) blockIndicators = true;
      if (ch === "-" && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ":" && followedByWhitespace) blockIndicators = true;
      if (ch === "#" && precededByWhitespace) blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const cp = ch.codePointAt(0)!;
    if (!(ch === "\n" || (cp >= 0x20 && cp <= 0x7e))) {
      specialCharacters = true; // allow_unicode=False: every non-ASCII character is special
    }
    if (ch === " ") {
      if (index === 0) leadingSpace = true;
      if (index === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = SPACE_OR_BREAK.includes(ch);
    followedByWhitespace = index + 2 >= chars.length || SPACE_OR_BREAK.includes(chars[index + 2]);
  }
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowBlockPlain = false;
  if (breakSpace) allowBlockPlain = allowSingleQuoted = false;
  if (spaceBreak || specialCharacters) allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowBlockPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowBlockPlain, allowSingleQuoted };
}

const ESCAPES: Record<string, string> = {
  "\0": "0", "\x07": "a", "\x08": "b", "\x09": "t", "\x0A": "n", "\x0B": "v", "\x0C": "f",
  "\x0D": "r", "\x1B": "e", '"': '"', "\\": "\\", "\x85": "N", "\xA0": "_", "\u2028": "L", "\u2029": "P",
};

class Emitter {
  out: string[] = [];
  column = 0;
  indent = 0;
  whitespace = true;
  indention = true;

  write(data: string): void {
    this.out.push(data);
  }

  writeLineBreak(data = "\n"): void {
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
    this.write(data);
  }

  writeIndent(): void {
    const indent = this.indent;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.writeLineBreak();
    }
    if (this.column < indent) {
      this.whitespace = true;
      this.write(" ".repeat(indent - this.column));
      this.column = indent;
    }
  }

  writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : " " + indicator;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.column += data.length;
    this.write(data);
  }

  /** Writes a scalar; `simpleKey` when it is a mapping key. Continuation lines use this.indent. */
  scalar(value: YamlValue, simpleKey = false): void {
    let text: string;
    let implicit = true;
    if (value === null) text = "null";
    else if (value === true) text = "true";
    else if (value === false) text = "false";
    else if (value instanceof PyFloat) text = yamlFloat(value.value);
    else if (typeof value === "number") text = Number.isInteger(value) ? String(value) : yamlFloat(value);
    else if (typeof value === "string") {
      text = value;
      implicit = resolvesToString(text);
    } else throw new TypeError("not a scalar");
    const chars = Array.from(text);
    const a = analyzeScalar(chars);
    if (implicit && !(simpleKey && (a.empty || a.multiline)) && a.allowBlockPlain) this.writePlain(chars, !simpleKey);
    else if (a.allowSingleQuoted && !(simpleKey && a.multiline)) this.writeSingleQuoted(chars, !simpleKey);
    else this.writeDoubleQuoted(chars, !simpleKey);
  }

  writePlain(chars: string[], split: boolean): void {
    if (!chars.length) return;
    if (!this.whitespace) {
      this.column += 1;
      this.write(" ");
    }
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : null;
      if (spaces) {
        if (ch !== " ") {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            const data = chars.slice(start, end).join("");
            this.column += end - start;
            this.write(data);
          }
          start = end;
        }
      } else if (ch === null || ch === " ") {
        this.column += end - start;
        this.write(chars.slice(start, end).join(""));
        start = end;
      }
      if (ch !== null) spaces = ch === " ";
    }
  }

  writeSingleQuoted(chars: string[], split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : null;
      if (spaces) {
        if (ch === null || ch !== " ") {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== chars.length) {
            this.writeIndent();
          } else {
            this.column += end - start;
            this.write(chars.slice(start, end).join(""));
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          if (chars[start] === "\n") this.writeLineBreak();
          for (const br of chars.slice(start, end)) this.writeLineBreak(br === "\n" ? "\n" : br);
          this.writeIndent();
          start = end;
        }
      } else if (ch === null || ch === " " || BREAKS.includes(ch) || ch === "'") {
        if (start < end) {
          this.column += end - start;
          this.write(chars.slice(start, end).join(""));
          start = end;
        }
      }
      if (ch === "'") {
        this.column += 2;
        this.write("''");
        start = end + 1;
      }
      if (ch !== null) {
        spaces = ch === " ";
        breaks = BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  writeDoubleQuoted(chars: string[], split: boolean): void {
    this.writeIndicator('"', true);
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : null;
      const cp = ch === null ? 0 : ch.codePointAt(0)!;
      if (ch === null || '"\\\x85\u2028\u2029\uFEFF'.includes(ch) || !(cp >= 0x20 && cp <= 0x7e)) {
        if (start < end) {
          this.column += end - start;
          this.write(chars.slice(start, end).join(""));
          start = end;
        }
        if (ch !== null) {
          let data: string;
          if (ch in ESCAPES) data = "\\" + ESCAPES[ch];
          else if (cp <= 0xff) data = "\\x" + cp.toString(16).toUpperCase().padStart(2, "0");
          else if (cp <= 0xffff) data = "\\u" + cp.toString(16).toUpperCase().padStart(4, "0");
          else data = "\\U" + cp.toString(16).toUpperCase().padStart(8, "0");
          this.column += data.length;
          this.write(data);
          start = end + 1;
        }
      }
      if (end > 0 && end < chars.length - 1 && (ch === " " || start >= end) && this.column + (end - start) > BEST_WIDTH && split) {
        const data = chars.slice(start, end).join("") + "\\";
        if (start < end) start = end;
        this.column += data.length;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === " ") {
          this.column += 1;
          this.write("\\");
        }
      }
    }
    this.writeIndicator('"', false);
  }

  mapping(data: { [key: string]: YamlValue }, indent: number): void {
    const keys = Object.keys(data).sort(comparePython);
    for (const key of keys) {
      this.indent = indent;
      if (key.length >= 128 || [...key].some((c) => BREAKS.includes(c))) {
        throw new Error(`YAML key needs complex-key syntax, not supported: ${JSON.stringify(key)}`);
      }
      this.writeIndent();
      this.scalar(key, true);
      this.writeIndicator(":", false);
      this.value(data[key], indent);
    }
  }

  /** A value in a block mapping whose keys sit at `indent`, or an item of a sequence at `indent`. */
  value(value: YamlValue, indent: number, inSequence = false): void {
    if (Array.isArray(value)) {
      if (!value.length) {
        this.writeIndicator("[", true, true);
        this.writeIndicator("]", false);
        return;
      }
      if (inSequence) throw new Error("nested sequences are not supported");
      for (const item of value) {
        this.indent = indent; // sequences inside a mapping are not indented
        this.writeIndent();
        this.writeIndicator("-", true, false, true);
        this.value(item, indent, true);
      }
    } else if (value !== null && typeof value === "object" && !(value instanceof PyFloat)) {
      if (!Object.keys(value).length) {
        this.writeIndicator("{", true, true);
        this.writeIndicator("}", false);
        return;
      }
      this.mapping(value, indent + BEST_INDENT);
    } else {
      this.indent = indent + BEST_INDENT;
      this.scalar(value);
    }
  }
}

function yamlFloat(x: number): string {
  if (Number.isNaN(x)) return ".nan";
  if (x === Infinity) return ".inf";
  if (x === -Infinity) return "-.inf";
  let v = pyFloatRepr(x).toLowerCase();
  if (!v.includes(".") && v.includes("e")) v = v.replace("e", ".0e");
  return v;
}

/** Python sorts str keys by code point; JS sorts by UTF-16 unit (same outside astral planes). */
function comparePython(a: string, b: string): number {
  const ca = Array.from(a, (c) => c.codePointAt(0)!);
  const cb = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i] - cb[i];
  return ca.length - cb.length;
}

/** `yaml.safe_dump(data)` for a top-level mapping. */
export function safeDump(data: { [key: string]: YamlValue }): string {
  const e = new Emitter();
  e.mapping(data, 0);
  e.writeLineBreak();
  return e.out.join("");
}
