/**
 * `studio predict ID <input>`: a prediction from a succeeded training job's model. Works where no
 * studio runs: the training environment is made if needed (with its progress bar), and the predict
 * process is started here and stopped when the command ends.
 */
import { parseArgs } from "node:util";
import type { Prediction } from "../server/training-runs/predict";
import { withDatabase, type Command } from "./context";
import { environmentProgressBar } from "./training-env";

const USAGE = `studio predict ID <input: a text, or JSON: {"question","context"}, {"sentence1","sentence2"}, {"prompt","max_new_tokens"}> [--json]`;

/** A JSON object is taken as is; anything else is the task's one text. */
export function predictArgument(raw: string): unknown {
  if (!raw.trimStart().startsWith("{")) return raw;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new Error(`input: not valid JSON (${(error as Error).message})`);
  }
}

export function describe(prediction: Prediction): string[] {
  if ("labels" in prediction) return prediction.labels.map(({ label, score }) => `${label}\t${score.toFixed(4)}`);
  if ("answer" in prediction) return [`${prediction.answer}\t(score ${prediction.score.toFixed(4)}, characters ${prediction.start}–${prediction.end})`];
  if ("text" in prediction) return [prediction.text];
  return [`score\t${Array.isArray(prediction.score) ? prediction.score.map((s) => s.toFixed(4)).join(" ") : prediction.score.toFixed(4)}`];
}

export const commands: Record<string, Command> = {
  predict: {
    usage: USAGE,
    async run(args, ctx) {
      const { positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" } } });
      if (positionals.length !== 2) throw new Error(`usage: ${USAGE}`);
      const [jobId, raw] = positionals as [string, string];
      const input = predictArgument(raw);
      const { PredictPool, predictWithJob } = await import("../server/training-runs/predict");
      const { ensureTrainingEnvironment } = await import("../server/training-env");
      const pool = new PredictPool({
        python: async () => {
          const bar = environmentProgressBar();
          const environment = await ensureTrainingEnvironment({ onProgress: (progress) => bar.update(progress) });
          bar.done();
          return environment.python;
        },
      });
      try {
        const prediction = await withDatabase((db) => predictWithJob(db, jobId, input, pool));
        if (!ctx.json) for (const line of describe(prediction)) ctx.out(line);
        return prediction;
      } finally {
        await pool.close();
      }
    },
  },
};
