"use client";
/** /datasets/[name]: header, settings and the records browser. */
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { ErrorMessage, Loading } from "~/components/ui";
import { RecordsBrowser } from "~/components/records/records-browser";
import { DatasetHeader } from "./dataset-header";
import { SettingsPanel } from "./settings-panel";

export function DatasetPage({ name }: { name: string }) {
  const trpc = useTRPC();
  const dataset = useQuery(trpc.datasets.get.queryOptions({ name }));
  if (dataset.isPending) return <Loading label="Loading the dataset…" />;
  if (dataset.error) return <ErrorMessage title="Could not load the dataset" message={dataset.error.message} />;
  return (
    <div className="space-y-5">
      <DatasetHeader dataset={dataset.data} />
      <SettingsPanel settings={dataset.data.settings} />
      <RecordsBrowser dataset={dataset.data} />
    </div>
  );
}
