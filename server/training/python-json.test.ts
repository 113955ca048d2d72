import { describe, expect, it } from "vitest";
import { pythonJsonDumps, pythonNumber } from "./python-json";

// Expected strings were produced by Python 3's json.dumps with default arguments.
describe("pythonJsonDumps", () => {
  it("uses Python's separators and ASCII escapes (lowercase hex, surrogate pairs for non-BMP)", () => {
    expect(pythonJsonDumps({ a: 1, b: [1, 2.5, null, true], c: 'é🦉\n"\\\x7f\x01' })).toBe(
      '{"a": 1, "b": [1, 2.5, null, true], "c": "\\u00e9\\ud83e\\udd89\\n\\"\\\\\\u007f\\u0001"}',
    );
  });
  it("writes empty containers and nesting like Python", () => {
    expect(pythonJsonDumps({})).toBe("{}");
    expect(pythonJsonDumps([])).toBe("[]");
    expect(pythonJsonDumps({ x: {} })).toBe('{"x": {}}');
    expect(pythonJsonDumps({ source: "forum", length: 126 })).toBe('{"source": "forum", "length": 126}');
  });
  it("writes floats with Python's repr", () => {
    const cases: [number, string][] = [
      [1e-7, "1e-07"],
      [1.5e16, "1.5e+16"],
      [1e16, "1e+16"],
      [1e22, "1e+22"],
      [0.0001, "0.0001"],
      [2.5e-5, "2.5e-05"],
      [123456789012345.6, "123456789012345.6"],
      [-0.5, "-0.5"],
      [0.43, "0.43"],
      [NaN, "NaN"],
      [Infinity, "Infinity"],
      [-Infinity, "-Infinity"],
    ];
    for (const [value, text] of cases) expect(pythonNumber(value)).toBe(text);
  });
  it("writes integral values below 1e16 as ints (JavaScript cannot tell 1 from 1.0)", () => {
    expect(pythonNumber(3)).toBe("3");
    expect(pythonNumber(-12)).toBe("-12");
  });
  it("omits undefined object values", () => {
    expect(pythonJsonDumps({ a: undefined, b: 1 })).toBe('{"b": 1}');
  });
});
