import { createCallerFactory, router } from "./trpc";
import { datasetsRouter } from "./routers/datasets";
import { recordsRouter } from "./routers/records";

export const appRouter = router({
  datasets: datasetsRouter,
  records: recordsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
