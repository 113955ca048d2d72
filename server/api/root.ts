import { createCallerFactory, router } from "./trpc";
import { datasetsRouter } from "./routers/datasets";
import { jobsRouter } from "./routers/jobs";
import { recordsRouter } from "./routers/records";
import { trainingRouter } from "./routers/training";

export const appRouter = router({
  datasets: datasetsRouter,
  jobs: jobsRouter,
  records: recordsRouter,
  training: trainingRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
