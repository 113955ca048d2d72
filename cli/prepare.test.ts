/** studio prepare's flags go through the prepare options schema (services/prepare-options.ts). */
import { describe, expect, it } from "vitest";
import { commands } from "./prepare";

const ctx = { json: true, out: () => {} } as never;
const base = ["--dataset", "d", "--task", "task.json", "--framework", "transformers", "--out", "out"];

describe("studio prepare flags", () => {
  it.each([
    [["--train-size", "abc"], /--train-size "abc": .*number/i],
    [["--test-size", "1.5"], /--test-size "1.5"/],
    [["--max-records", "0"], /--max-records "0"/],
    [["--seed", "1.5"], /--seed "1.5"/],
    [["--filter-by", "submitted,nope"], /--filter-by "submitted,nope"/],
    [["--format", "csv"], /--format "csv"/],
  ])("refuses %j naming the flag, before opening anything", async (flags, message) => {
    await expect(commands.prepare.run([...base, ...flags], ctx)).rejects.toThrow(message);
  });

  it("refuses an unknown framework by its flag", async () => {
    const args = [...base];
    args[5] = "pytorch";
    await expect(commands.prepare.run(args, ctx)).rejects.toThrow(/--framework "pytorch"/);
  });

  it("still requires the dataset, the task, the framework and the folder", async () => {
    await expect(commands.prepare.run(["--dataset", "d"], ctx)).rejects.toThrow("--task is required");
  });
});
