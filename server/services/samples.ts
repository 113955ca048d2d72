/** The sample datasets the project ships (samples/<name>/), imported into an empty database. */
import fs from "node:fs";
import path from "node:path";
import type { Database } from "../db/client";
import { listDatasets } from "../db/datasets";
import { importFromPath } from "./imports";
import { SAMPLES_DIR } from "./allowed-paths";

export { SAMPLES_DIR };

export function sampleFolders(dir = SAMPLES_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "argilla.yaml")))
    .map((e) => path.join(dir, e.name))
    .sort();
}

export async function importSamplesIfEmpty(db: Database, log: (line: string) => void = () => {}): Promise<number> {
  if ((await listDatasets(db.pool)).length > 0) return 0;
  let imported = 0;
  for (const folder of sampleFolders()) {
    const summary = await importFromPath(db.bulk, folder, { name: path.basename(folder) });
    log(`Imported sample ${summary.dataset}: ${summary.records} records, ${summary.responses} responses`);
    imported++;
  }
  return imported;
}
