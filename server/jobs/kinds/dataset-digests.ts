/**
 * A dataset's record digests, for datasets imported before the import wrote them. Idempotent:
 * a digest cut short by a restart rolled back and is simply run again.
 */
import { findDatasetById } from "../../db/datasets";
import { digestDataset } from "../../db/record-digest";
import { defineJobKind } from "../kind";
import { perDataset } from "./per-dataset";

export const datasetDigestsJob = defineJobKind({
  name: "dataset-digests",
  ...perDataset,
  async run({ datasetId }, { db, phase }) {
    const dataset = await findDatasetById(db.bulk, datasetId);
    if (!dataset) return { digested: false };
    await phase("digesting records");
    await digestDataset(db.bulk, dataset);
    return { digested: true };
  },
});
