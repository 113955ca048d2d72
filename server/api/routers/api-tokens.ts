/**
 * Personal API tokens, for the CLI and scripts against a remote studio (`Authorization: Bearer`):
 * each acts as its owner, with the owner's role. Listed by name and first characters; the token
 * itself is returned once, by create, and stored only as its hash.
 */
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { memberProcedure, router, viewerProcedure } from "../trpc";
import { authFor } from "../../auth/auth";
import { listApiTokens, revokeApiToken } from "../../auth/api-tokens";

export const apiTokensRouter = router({
  list: viewerProcedure.query(({ ctx }) => listApiTokens(ctx.db.pool, ctx.user.id)),

  create: memberProcedure.input(z.object({ name: z.string().trim().min(1).max(100) })).mutation(async ({ ctx, input }) => {
    const created = await authFor(ctx.db).api.createApiKey({ body: { name: input.name, userId: ctx.user.id } });
    return { id: created.id, token: created.key };
  }),

  revoke: memberProcedure.input(z.object({ id: z.string().min(1).max(100) })).mutation(async ({ ctx, input }) => {
    if (!(await revokeApiToken(ctx.db.pool, ctx.user.id, input.id))) throw new TRPCError({ code: "NOT_FOUND", message: "No such token" });
  }),
});
