/** The admin's secrets: a Hugging Face token and OpenAI-compatible providers. Values go in, never out (last 4 characters only). */
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { adminProcedure, router } from "../trpc";
import { listSecrets, PROVIDER_NAME, removeSecret, setHuggingFaceToken, setProvider } from "../../auth/secrets";

const secretValue = z.string().trim().min(8).max(4096);

export const secretsRouter = router({
  list: adminProcedure.query(({ ctx }) => listSecrets(ctx.db.pool)),

  setHuggingFaceToken: adminProcedure.input(z.object({ token: secretValue })).mutation(({ ctx, input }) => setHuggingFaceToken(ctx.db.pool, input.token)),

  setProvider: adminProcedure
    .input(z.object({ name: z.string().regex(PROVIDER_NAME, "lowercase letters, digits and _, starting with a letter"), baseUrl: z.url({ protocol: /^https?$/ }).max(2000), apiKey: secretValue }))
    .mutation(({ ctx, input }) => setProvider(ctx.db.pool, input)),

  remove: adminProcedure.input(z.object({ name: z.string().min(1).max(100) })).mutation(async ({ ctx, input }) => {
    if (!(await removeSecret(ctx.db.pool, input.name))) throw new TRPCError({ code: "NOT_FOUND", message: "No such secret" });
  }),
});
