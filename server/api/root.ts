import { createCallerFactory, router } from "./trpc";
import { apiTokensRouter } from "./routers/api-tokens";
import { datasetsRouter } from "./routers/datasets";
import { healthRouter } from "./routers/health";
import { hubRouter } from "./routers/hub";
import { jobsRouter } from "./routers/jobs";
import { openaiRouter } from "./routers/openai";
import { recordsRouter } from "./routers/records";
import { secretsRouter } from "./routers/secrets";
import { trainingRouter } from "./routers/training";
import { trainingRunsRouter } from "./routers/training-runs";
import { usersRouter } from "./routers/users";

export const appRouter = router({
  apiTokens: apiTokensRouter,
  datasets: datasetsRouter,
  health: healthRouter,
  hub: hubRouter,
  jobs: jobsRouter,
  openai: openaiRouter,
  records: recordsRouter,
  secrets: secretsRouter,
  training: trainingRouter,
  trainingRuns: trainingRunsRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
