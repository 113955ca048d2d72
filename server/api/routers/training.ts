/**
 * The task builder's procedures: what a dataset allows, the live preview (one page or a sample,
 * never a scan), full-dataset diagnostics, and the equivalent CLI command.
 */
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { perUserLimit, viewerProcedure, router } from "../trpc";
import { getDataset } from "../../db/datasets";
import { recordCursorSchema } from "../../feedback/record-query";
import {
  frameworksFor,
  parseTrainingTask,
  TASK_KINDS,
  TaskConfigError,
  TaskParseError,
  tasksAvailableFor,
  DROP_REASONS,
  type TrainingTask,
} from "../../training";
import { FormattingFunctionError } from "../../training/sandbox";
import { previewDataset } from "../../services/preview";
import { prepareCommand } from "../../services/prepare-command";
import { datasetNameSchema, prepareOptions, prepareOptionsSchema } from "../../services/prepare-options";
import { runLongWork } from "../../long-work/pool";

/** A task that does not parse is part of normal editing: returned as a message, not thrown. */
function parseTask(task: unknown): { task: TrainingTask; error: null } | { task: null; error: string } {
  try {
    return { task: parseTrainingTask(task), error: null };
  } catch (error) {
    if (error instanceof TaskParseError || error instanceof SyntaxError) return { task: null, error: error.message };
    throw error;
  }
}

/**
 * The task's own mistakes, which editing goes through (the classes' `name`s): the long-work thread
 * sends errors back by name and message, its classes do not cross.
 */
const TASK_MISTAKES: ReadonlySet<string> = new Set(["TaskConfigError", "RecordFormattingError", "PrepareError", "FormattingFunctionError"]);
function isTaskMistake(error: unknown): boolean {
  return error instanceof Error && TASK_MISTAKES.has(error.name);
}

function checkFramework(task: TrainingTask, framework: string) {
  if (!frameworksFor(task).includes(framework as never)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `${task.task} cannot be prepared for ${framework}; choose one of ${frameworksFor(task).join(", ")}` });
  }
}

export const trainingRouter = router({
  options: viewerProcedure.input(z.object({ dataset: datasetNameSchema })).query(async ({ ctx, input }) => {
    const dataset = await getDataset(ctx.db.pool, input.dataset);
    return {
      ...tasksAvailableFor(dataset.settings),
      frameworks: Object.fromEntries(TASK_KINDS.map((kind) => [kind, frameworksFor(kind)])),
      dropReasons: DROP_REASONS,
    };
  }),

  preview: viewerProcedure
    .use(perUserLimit("preview"))
    .input(
      prepareOptionsSchema.pick({ framework: true, filterBy: true, crossEncoder: true }).extend({
        dataset: datasetNameSchema,
        task: z.unknown(),
        mode: z.enum(["page", "sample"]).default("page"),
        cursor: recordCursorSchema.nullish(),
        limit: z.number().int().min(1).max(100).default(20),
        sampleSeed: z.number().int().optional(),
        indexes: z.array(z.number().int().nonnegative()).max(100).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const parsed = parseTask(input.task);
      if (!parsed.task) return { taskError: parsed.error, records: [], formatted: null, nextCursor: null };
      checkFramework(parsed.task, input.framework);
      try {
        const dataset = await getDataset(ctx.db.pool, input.dataset);
        const result = await previewDataset(ctx.db, dataset, {
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
   * too. A tokenizer that cannot be loaded costs the token histogram only (tokenizerError). A
   * mistake in the task (a config error, a formatting function that fails on a record, an
   * impossible split, no rows) is returned as taskError, as the preview does; anything else (the
   * database, a lost thread) is an error.
   */
  diagnostics: viewerProcedure
    .use(perUserLimit("diagnostics"))
    .input(
      prepareOptionsSchema.extend({
        dataset: datasetNameSchema,
        task: z.unknown(),
        tokenizer: z.string().trim().max(1000).optional(),
      }),
    )
    .query(async ({ ctx, input, signal }) => {
      const noReport = { tokenizerError: null, report: null, dropped: null, meta: null };
      const parsed = parseTask(input.task);
      if (!parsed.task) return { taskError: parsed.error, ...noReport };
      checkFramework(parsed.task, input.framework);
      const dataset = await getDataset(ctx.db.pool, input.dataset);
      try {
        // Diagnostics of a large dataset take seconds of CPU: they run in a long-work thread, so
        // pages keep being served meanwhile, and they stop when the request is aborted (the
        // browser moved on to a newer task, or went away) instead of finishing work nobody will read.
        const { report, meta: { dropped, ...meta }, tokenizerError } = await runLongWork(
          { kind: "diagnose", dataset, options: prepareOptions(input, parsed.task), tokenizer: input.tokenizer },
          ctx.db.url,
          signal,
        );
        return { taskError: null, tokenizerError, report, dropped, meta };
      } catch (error) {
        if (isTaskMistake(error)) return { taskError: (error as Error).message, ...noReport };
        throw error;
      }
    }),

  command: viewerProcedure
    .input(prepareOptionsSchema.extend({ dataset: datasetNameSchema }))
    .query(({ input }) => prepareCommand({ ...input, filterBy: input.filterBy?.responseStatus })),
});
