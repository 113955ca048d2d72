"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";

export default function DatasetsPage() {
  const trpc = useTRPC();
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  return <pre>{JSON.stringify(datasets.data, null, 2)}</pre>;
}
