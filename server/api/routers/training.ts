/**
 * The task builder's procedures: what a dataset allows, the live preview (one page or a sample,
 * never a scan), full-dataset diagnostics, and the equivalent CLI command.
 */
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { procedure, router } from "../trpc";
import { getDataset } from "../../db/datasets";
import { recordCursorSchema } from "../../feedback/record-query";
import { frameworksFor, FRAMEWORKS, parseTrainingTask, TASK_KINDS, TaskConfigError, TaskParseError, tasksAvailableFor, DROP_REASONS, type TrainingTask } from "../../training";
import { FormattingFunctionError } from "../../training/sandbox";
import { previewDataset } from "../../services/prepare-dataset";
import { prepareCommand } from "../../services/prepare-command";
import { runLongWork } from "../../long-work/pool";

const datasetName = z.string().min(1).max(200);
const filterBySchema = z.object({ responseStatus: z.array(z.enum(["submitted", "draft", "discarded", "pending"])).optional() }).optional();
const splitSchema = {
  trainSize: z.number().gt(0).max(1).optional(),
  testSize: z.number().min(0).lt(1).optional(),
  seed: z.number().int().optional(),
  maxRecords: z.number().int().positive().optional(),
  filterBy: filterBySchema,
};
const crossEncoder = z.boolean().optional();

/** A task that does not parse is part of normal editing: returned as a message, not thrown. */
function parseTask(task: unknown): { task: TrainingTask; error: null } | { task: null; error: string } {
  try {
    return { task: parseTrainingTask(task), error: null };
  } catch (error) {
    if (error instanceof TaskParseError || error instanceof SyntaxError) return { task: null, error: error.message };
    throw error;
  }
}

function checkFramework(task: TrainingTask, framework: string) {
  if (!frameworksFor(task).includes(framework as never)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `${task.task} cannot be prepared for ${framework}; choose one of ${frameworksFor(task).join(", ")}` });
  }
}

export const trainingRouter = router({
  options: procedure.input(z.object({ dataset: datasetName })).query(async ({ ctx, input }) => {
    const dataset = await getDataset(ctx.db.pool, input.dataset);
    return {
      ...tasksAvailableFor(dataset.settings),
      frameworks: Object.fromEntries(TASK_KINDS.map((kind) => [kind, frameworksFor(kind)])),
      dropReasons: DROP_REASONS,
    };
  }),

  preview: procedure
    .input(
      z.object({
        dataset: datasetName,
        task: z.unknown(),
        framework: z.enum(FRAMEWORKS),
        mode: z.enum(["page", "sample"]).default("page"),
        cursor: recordCursorSchema.nullish(),
        limit: z.number().int().min(1).max(100).default(20),
        sampleSeed: z.number().int().optional(),
        indexes: z.array(z.number().int().nonnegative()).max(100).optional(),
        filterBy: filterBySchema,
        crossEncoder,
      }),
    )
    .query(async ({ ctx, input }) => {
      const parsed = parseTask(input.task);
      if (!parsed.task) return { taskError: parsed.error, records: [], formatted: null, nextCursor: null };
      checkFramework(parsed.task, input.framework);
      try {
        const result = await previewDataset(ctx.db, input.dataset, {
          ...input,
          task: parsed.task,
          frameworkOptions: input.crossEncoder ? { crossEncoder: true } : undefined,
        });
        return { taskError: null, ...result };
      } catch (error) {
        // An unknown {placeholder} or a function that does not compile is an editing state too.
        if (error instanceof TaskConfigError || error instanceof FormattingFunctionError) {
          return { taskError: error.message, records: [], formatted: null, nextCursor: null };
        }
        throw error;
      }
    }),

  /**
   * Reports the whole dataset's counts, drops, distributions and warnings (diagnoseDataset, in a
   * long-work thread); with `tokenizer` (a folder or tokenizer.json on the server), token lengths
   * too. A tokenizer that cannot be loaded costs the token histogram only (tokenizerError).
   */
  diagnostics: procedure
    .input(
      z.object({
        dataset: datasetName,
        task: z.unknown(),
        framework: z.enum(FRAMEWORKS),
        crossEncoder,
        tokenizer: z.string().trim().max(1000).optional(),
        ...splitSchema,
      }),
    )
    .query(async ({ ctx, input, signal }) => {
      const parsed = parseTask(input.task);
      if (!parsed.task) return { taskError: parsed.error, tokenizerError: null, report: null, dropped: null, meta: null };
      checkFramework(parsed.task, input.framework);
      const frameworkOptions = input.crossEncoder ? { crossEncoder: true } : undefined;
      try {
        // Diagnostics of a large dataset take seconds of CPU: they run in a long-work thread, so
        // pages keep being served meanwhile, and they stop when the request is aborted (the
        // browser moved on to a newer task, or went away) instead of finishing work nobody will read.
        const { dataset, tokenizer, task: _raw, crossEncoder: _crossEncoder, ...split } = input;
        const { report, meta: { dropped, ...meta }, tokenizerError } = await runLongWork(
          { kind: "diagnose", dataset, options: { ...split, task: parsed.task, frameworkOptions }, tokenizer },
          ctx.db.url,
          signal,
        );
        return { taskError: null, tokenizerError, report, dropped, meta };
      } catch (error) {
        // A formatting function that fails on some record, or an impossible split: show it.
        return { taskError: (error as Error).message, tokenizerError: null, report: null, dropped: null, meta: null };
      }
    }),

  command: procedure
    .input(z.object({ dataset: datasetName, framework: z.enum(FRAMEWORKS), crossEncoder, ...splitSchema }))
    .query(({ input }) => prepareCommand({ ...input, filterBy: input.filterBy?.responseStatus })),
});
