"use client";
/** The signed-in person (users.me), and whether their role allows something: the UI disables what it does not. */
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { allows, type Role } from "~/server/auth/roles";

export function useMe() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.users.me.queryOptions(), staleTime: Infinity });
}

/** False until the person is known, so nothing is enabled that the server would refuse. */
export function useAllows(needed: Role): boolean {
  const { data: me } = useMe();
  return !!me && allows(me.role, needed);
}
