"use client";
/** Deletes a dataset after a confirmation, then returns to the datasets list. */
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { buttonStyle } from "~/components/ui";
import { useAllows } from "~/components/auth/use-me";

export function DeleteDatasetButton({ name }: { name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const mayDelete = useAllows("member");
  const remove = useMutation(
    trpc.datasets.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.datasets.list.queryKey() });
        router.push("/");
      },
    }),
  );
  return (
    <span className="flex flex-col items-end gap-1">
      <button
        type="button"
        className={buttonStyle({ tone: "danger" })}
        disabled={remove.isPending || !mayDelete}
        onClick={() => {
          if (window.confirm(`Delete the dataset "${name}" with all its records and responses? This cannot be undone.`)) remove.mutate({ name });
        }}
      >
        {remove.isPending ? "Deleting…" : "Delete"}
      </button>
      {remove.error && <span role="alert" className="text-xs text-red-700">{remove.error.message}</span>}
    </span>
  );
}
