/**
 * An import the web app asked for: a path on the server under the allowed roots, or a browser
 * upload. It runs in one transaction, so a worker that dies mid-way leaves nothing: such an import
 * is failed, not run again (the upload it read may be gone). The dataset's indexes follow as
 * their own job.
 */
import { z } from "zod";
import { importRecords } from "../../services/imports";
import { ownUpload, removeUpload } from "../../services/uploads";
import { defineJobKind } from "../kind";
import { datasetIndexesJob } from "./dataset-indexes";

export const importJob = defineJobKind({
  name: "import",
  payload: z.object({
    /** A folder or .zip on the server. */
    path: z.string().min(1),
    name: z.string().min(1).max(200),
    /** Real paths of the folders the import may read (the allowed roots, or the upload's own folder). */
    roots: z.array(z.string().min(1)).min(1),
    /** Set for a browser upload: its folder is deleted once the import ends, whatever the outcome. */
    uploadId: z.string().uuid().optional(),
  }),
  retry: { attempts: 1, delaySeconds: 0 },
  weight: "light",
  notResumable: "the studio stopped during the import",
  async run(payload, { db, signal, progress, phase, setDataset, enqueue }) {
    if (payload.uploadId) await ownUpload(payload.uploadId);
    try {
      await phase("reading records");
      const { summary } = await importRecords(db.bulk, payload.path, {
        name: payload.name,
        roots: payload.roots,
        signal,
        onProgress: ({ rowsRead, totalRows }) => progress({ done: rowsRead, total: totalRows, unit: "rows" }),
      });
      progress({ done: summary.records, total: summary.records, unit: "rows" });
      await setDataset(summary.datasetId);
      await enqueue(datasetIndexesJob, { datasetId: summary.datasetId });
      return summary;
    } finally {
      if (payload.uploadId) await removeUpload(payload.uploadId);
    }
  },
});
