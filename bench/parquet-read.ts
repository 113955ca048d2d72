/**
 * Reading alone, no database: opens an export with openExport (the import's own reader: Parquet
 * or JSONL decoding plus row parsing/validation) and iterates every record, printing records/s
 * (per wall-clock second, and per CPU second of this process, which other load on the machine
 * skews less) and peak RSS. Run it in its own process so the peak is the reader's:
 *
 *   npx tsx bench/parquet-read.ts [--path DIR] [--records 1000000]
 *
 * Without --path it uses (generating once) bench/.data/classification-<records>-parquet.
 */
import path from "node:path";
import { openExport } from "../server/feedback/source";
import { argValue, generatedExport, printTable } from "./harness";

const MB = 2 ** 20;

async function main(): Promise<void> {
  const exportPath = argValue("path", "") || generatedExport("classification", Number(argValue("records", "1000000")), "parquet");

  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  const rssBefore = process.memoryUsage.rss();

  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const source = await openExport(exportPath);
  let records = 0;
  let responses = 0;
  try {
    for await (const { record } of source.records()) {
      records++;
      responses += record.responses.length;
    }
  } finally {
    await source.cleanup();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const maxRss = process.resourceUsage().maxRSS * 1024; // kB → bytes

  printTable(
    `bench/parquet-read: ${path.basename(path.resolve(exportPath))} (${source.dataFiles.join(", ")}), no database`,
    ["records", "responses", "seconds", "records/s", "CPU s", "records/CPU s", "RSS at start (MB)", "peak RSS sampled (MB)", "maxRSS (MB)"],
    [[records, responses, seconds, Math.round(records / seconds), cpuSeconds, Math.round(records / cpuSeconds), Math.round(rssBefore / MB), Math.round(peakRss / MB), Math.round(maxRss / MB)]],
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
