/** The chat fine-tuning file's checks: each error names its line, the minimum and the token limit. */
import { describe, expect, it } from "vitest";
import { exampleTokenLimit, validateChatLines, validationSummary } from "../../server/openai/validate";

const good = (i: number) => JSON.stringify({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: `question ${i}` }, { role: "assistant", content: `answer ${i}` }] });

describe("validateChatLines", () => {
  it("passes ten good examples, blank lines skipped", () => {
    const lines = [...Array.from({ length: 10 }, (_, i) => good(i)), ""];
    const result = validateChatLines(lines, { tokenLimit: 16_385 });
    expect(result.errors).toEqual([]);
    expect(result.examples).toBe(10);
    expect(result.longestExampleTokens).toBeGreaterThan(0);
  });

  it("names the line of each broken example", () => {
    const lines = Array.from({ length: 12 }, (_, i) => good(i));
    lines[1] = "{not json";
    lines[3] = JSON.stringify({ messages: [{ role: "user", content: "hi" }] });
    lines[5] = JSON.stringify({ messages: [{ role: "robot", content: "hi" }, { role: "assistant", content: "yo" }] });
    lines[6] = JSON.stringify({ messages: [{ role: "user", content: 3 }, { role: "assistant", content: "x", weight: 2 }] });
    lines[8] = JSON.stringify({ prompt: "a", completion: "b" });
    lines[9] = JSON.stringify({ messages: [{ role: "user", content: "a", colour: "red" }, { role: "assistant" }] });
    lines[10] = JSON.stringify([1, 2]);
    const result = validateChatLines(lines, { tokenLimit: null });
    const byLine = (line: number) => result.errors.filter((error) => error.line === line).map((error) => error.code);
    expect(byLine(2)).toEqual(["invalid_json"]);
    expect(byLine(4)).toEqual(["example_missing_assistant_message"]);
    expect(byLine(6)).toEqual(["unrecognized_role"]);
    expect(byLine(7)).toEqual(["missing_content", "invalid_weight"]);
    expect(byLine(9)).toEqual(["example_unrecognized_key", "example_unrecognized_key", "missing_messages_list"]);
    expect(byLine(10)).toEqual(["message_unrecognized_key", "missing_content"]);
    expect(byLine(11)).toEqual(["data_type"]);
    expect(byLine(1)).toEqual([]);
    for (const error of result.errors) expect(error.message).toMatch(new RegExp(`^line ${error.line}: `));
    // The messages quote no content of the file.
    expect(result.errors.find((error) => error.line === 2)!.message).not.toContain("not json");
    expect(validationSummary(result)).toMatch(/^the training file does not pass the provider's checks \(\d+ errors\): line 2: is not valid JSON \(at character 2\); line 4: has no assistant message/);
  });

  it("refuses fewer than 10 examples, and examples over the base model's token limit", () => {
    const few = validateChatLines([good(1), good(2)], { tokenLimit: null });
    expect(few.errors).toEqual([{ line: null, code: "too_few_examples", message: "the file holds 2 examples; fine-tuning needs at least 10" }]);
    const long = JSON.stringify({ messages: [{ role: "user", content: "word ".repeat(20_000) }, { role: "assistant", content: "ok" }] });
    const lines = [...Array.from({ length: 10 }, (_, i) => good(i)), long];
    const limited = validateChatLines(lines, { tokenLimit: exampleTokenLimit("gpt-3.5-turbo-0125") });
    expect(limited.errors.map((error) => [error.line, error.code])).toEqual([[11, "too_many_tokens"]]);
    expect(validateChatLines(lines, { tokenLimit: exampleTokenLimit("my-local-llama") }).errors).toEqual([]);
    expect(exampleTokenLimit("gpt-4o-mini-2024-07-18")).toBe(65_536);
  });

  it("lists at most 50 errors and counts the rest", () => {
    const result = validateChatLines(Array.from({ length: 80 }, () => "{}"), { tokenLimit: null });
    expect(result.errors).toHaveLength(50);
    expect(result.moreErrors).toBe(30);
    expect(validationSummary(result)).toMatch(/and 75 more$/);
  });
});
