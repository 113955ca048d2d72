/**
 * Python counts string positions in code points; JavaScript in UTF-16 units. They differ after
 * every non-BMP character (emoji, some CJK), so anything handed to Python tooling uses these.
 */

/** Number of code points in text[0, end) (end in UTF-16 units). */
export function codePointLength(text: string, end = text.length): number {
  let length = end;
  for (let i = 0; i < end - 1; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--; // a surrogate pair is one code point
        i++;
      }
    }
  }
  return length;
}

/** The first occurrence of `needle` as a code-point index (Python's str.find), or -1. */
export function codePointIndexOf(haystack: string, needle: string): number {
  const unitIndex = haystack.indexOf(needle);
  return unitIndex <= 0 ? unitIndex : codePointLength(haystack, unitIndex);
}
