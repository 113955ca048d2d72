/**
 * Import benchmark (issue: foundation). A 1M-record, 3-annotator classification export in JSONL
 * and in Parquet, imported into a fresh dataset each run. Target: ≥ 17,000 records/s, peak RSS
 * under 1 GB, on the 2-core machines.
 *   npx tsx bench/import.ts [--records 1000000] [--formats jsonl,parquet]
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { argValue, benchDatabase, generatedExport, printTable, ROOT } from "./harness";
import { deleteDataset, findDataset } from "../server/db/datasets";

async function main() {
  const records = Number(argValue("records", "1000000"));
  const formats = argValue("formats", "jsonl,parquet").split(",") as ("jsonl" | "parquet")[];
  const exports = formats.map((format) => ({ format, dir: generatedExport("classification", records, format) }));
  const bench = await benchDatabase();
  const rows: (string | number)[][] = [];
  try {
    for (const { format, dir } of exports) {
      const name = `bench-import-${format}`;
      if (await findDataset(bench.db.pool, name)) await deleteDataset(bench.db, name);
      await bench.db.pool.query("VACUUM ANALYZE"); // start each run from the same state
      const out = execFileSync(process.execPath, [require.resolve("tsx/cli"), path.join(ROOT, "bench", "import-one.ts"), dir, name], {
        env: { ...process.env, DATABASE_URL: bench.url },
        encoding: "utf8",
      });
      const result = JSON.parse(out.trim().split("\n").at(-1)!);
      rows.push([format, result.records, result.responses, result.seconds, Math.round(result.records / result.seconds), Math.round(result.peakRssMb), result.indexSeconds, "≥ 17,000/s, < 1,024 MB"]);
    }
    // The records-page benchmark pages through this dataset.
    await bench.db.pool.query("ANALYZE");
  } finally {
    await bench.close();
  }
  printTable(`Import, ${records.toLocaleString("en")} records × 3 annotators`, ["format", "records", "responses", "seconds", "records/s", "peak RSS MB", "side tables + indexes s (after commit)", "target"], rows);
}

void main();
