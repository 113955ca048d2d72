import { createCallerFactory, router } from "./trpc";
import { datasetsRouter } from "./routers/datasets";
import { recordsRouter } from "./routers/records";
import { trainingRouter } from "./routers/training";

export const appRouter = router({
  datasets: datasetsRouter,
  records: recordsRouter,
  training: trainingRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
