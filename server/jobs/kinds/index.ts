/** Every job kind the studio runs. A new kind is one file here and one line below. */
import type { JobKind } from "../kind";
import { datasetIndexesJob } from "./dataset-indexes";

export const JOB_KINDS: readonly JobKind<never>[] = [datasetIndexesJob as JobKind<never>];
