/**
 * What the background builds of one dataset share (its index build, its digests): the payload
 * names the dataset by id, and a failure is tried again twice, 10 s then 20 s later.
 */
import { z } from "zod";

export const perDataset = {
  payload: z.object({ datasetId: z.number().int() }),
  retry: { attempts: 3, delaySeconds: 10, backoff: true },
  weight: "light",
  datasetId: (payload: { datasetId: number }) => payload.datasetId,
} as const;
