/** A large export built from a shipped sample's first record, with distinct texts (a zip's ratio limit refuses repeats). */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { buildZip } from "../../server/feedback/test-helpers";

export const SAMPLE = path.resolve("samples/sentiment-reviews");

/** Writes `<dir>/<name>.zip` holding `records` records; returns its path. */
export function writeLargeExportZip(dir: string, name: string, records: number): string {
  const record = JSON.parse(fs.readFileSync(path.join(SAMPLE, "data/train.jsonl"), "utf8").split("\n")[0]!);
  const lines = Array.from({ length: records }, (_, i) => JSON.stringify({ ...record, text: `${record.text} ${crypto.randomBytes(12).toString("hex")}`, external_id: `r-${i}` })).join("\n");
  const zipPath = path.join(dir, `${name}.zip`);
  fs.writeFileSync(zipPath, buildZip([{ name: "argilla.yaml", data: fs.readFileSync(path.join(SAMPLE, "argilla.yaml")) }, { name: "data/train.jsonl", data: lines, deflate: true }]));
  return zipPath;
}
