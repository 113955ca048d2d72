/** Every job kind the studio runs. A new kind is one file here and one line below. */
import type { AnyJobKind } from "../kind";
import { datasetDigestsJob } from "./dataset-digests";
import { datasetIndexesJob } from "./dataset-indexes";
import { hubPushJob } from "./hub-push";
import { importJob } from "./import";
import { openaiFineTuneJob } from "./openai-fine-tune";
import { trainingJob } from "./training";

export const JOB_KINDS: readonly AnyJobKind[] = [importJob, datasetIndexesJob, datasetDigestsJob, trainingJob, openaiFineTuneJob, hubPushJob];
