/**
 * The model card: `README.md` in a trained model's folder, the way the Hub renders it, with
 * Argilla's card fields and the job's lineage (./pins.ts).
 *
 * Being written now (session 2026-12-07, helper "predict and card"); the signature is the contract
 * the training job calls.
 */

/** Writes `<jobDir>/output/model/README.md` from the job's pins.json, job.json and events.jsonl. */
export async function writeModelCard(jobDir: string): Promise<void> {
  void jobDir;
}
