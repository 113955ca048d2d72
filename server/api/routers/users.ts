/** People: who is signed in (any role), and the admin's list, creation, roles and removal. */
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { adminProcedure, router, viewerProcedure } from "../trpc";
import { authFor } from "../../auth/auth";
import { ROLES } from "../../auth/roles";
import { deleteUser, listUsers, setUserRole } from "../../auth/users";

const userId = z.string().min(1).max(100);

export const usersRouter = router({
  /** The signed-in person, for the header and for what the UI enables. */
  me: viewerProcedure.query(({ ctx }) => ctx.user),

  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db.pool)),

  create: adminProcedure
    .input(z.object({ email: z.email().max(200), name: z.string().trim().min(1).max(200), password: z.string().min(12).max(200), role: z.enum(ROLES) }))
    .mutation(async ({ ctx, input }) => {
      const { user } = await authFor(ctx.db).api.createUser({ body: input }).catch((error: Error) => {
        throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
      });
      return { id: user.id };
    }),

  setRole: adminProcedure.input(z.object({ id: userId, role: z.enum(ROLES) })).mutation(async ({ ctx, input }) => {
    if (input.id === ctx.user.id) throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot change your own role." });
    if (!(await setUserRole(ctx.db.pool, input.id, input.role))) throw new TRPCError({ code: "NOT_FOUND", message: "No such user" });
  }),

  /** Removes the person and signs them out everywhere (their sessions go with them). */
  remove: adminProcedure.input(z.object({ id: userId })).mutation(async ({ ctx, input }) => {
    if (input.id === ctx.user.id) throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot remove yourself." });
    if (!(await deleteUser(ctx.db.pool, input.id))) throw new TRPCError({ code: "NOT_FOUND", message: "No such user" });
  }),
});
