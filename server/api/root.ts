import { createCallerFactory, router } from "./trpc";
import { datasetsRouter } from "./routers/datasets";
import { jobsRouter } from "./routers/jobs";
import { recordsRouter } from "./routers/records";
import { trainingRouter } from "./routers/training";
import { trainingRunsRouter } from "./routers/training-runs";

export const appRouter = router({
  datasets: datasetsRouter,
  jobs: jobsRouter,
  records: recordsRouter,
  training: trainingRouter,
  trainingRuns: trainingRunsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
