/**
 * After an import commits: a dataset's side tables (search vectors, rare facets) and its search,
 * filter and sort indexes. The build is idempotent, so a build cut short by a restart is simply
 * run again.
 */
import { buildDatasetIndexes } from "../../db/dataset-indexes";
import { findDatasetById } from "../../db/datasets";
import { defineJobKind } from "../kind";
import { perDataset } from "./per-dataset";

export const datasetIndexesJob = defineJobKind({
  name: "dataset-indexes",
  ...perDataset,
  async run({ datasetId }, { db, phase }) {
    const dataset = await findDatasetById(db.bulk, datasetId);
    // Deleted meanwhile: nothing to build.
    if (!dataset) return { built: false };
    await phase("building search and filter indexes");
    await buildDatasetIndexes(db.bulk, datasetId, dataset.settings);
    return { built: true };
  },
});
