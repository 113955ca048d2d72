/** The one procedure anyone may call: is the studio up. */
import { publicProcedure, router } from "../trpc";

export const healthRouter = router({
  check: publicProcedure.query(() => ({ ok: true as const })),
});
