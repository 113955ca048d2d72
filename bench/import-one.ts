/** One import in its own process (so its peak RSS is the import's alone); prints a JSON line. */
import { connect } from "../server/db/client";
import { importFromPath } from "../server/services/imports";
import { buildDatasetIndexes } from "../server/db/dataset-indexes";
import { getDataset } from "../server/db/datasets";
import { env } from "../server/env";

async function main() {
  const [exportPath, name] = process.argv.slice(2);
  const db = connect(env.DATABASE_URL!);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  const started = performance.now();
  const summary = await importFromPath(db.pool, exportPath, { name, indexes: "later" });
  const seconds = (performance.now() - started) / 1000;
  const indexStarted = performance.now();
  await buildDatasetIndexes(db.pool, summary.datasetId, (await getDataset(db.pool, name)).settings);
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  await db.close();
  console.log(JSON.stringify({ records: summary.records, responses: summary.responses, seconds, indexSeconds, peakRssMb: peakRss / 2 ** 20 }));
}
void main();
