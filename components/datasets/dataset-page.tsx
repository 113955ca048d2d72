"use client";
/** /datasets/[name]: header, settings and the records browser. */
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { ErrorMessage, Loading } from "~/components/ui";
import { RecordsBrowser } from "~/components/records/records-browser";
import { AnnotatorLegend } from "./annotator-legend";
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
      <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <SettingsPanel settings={dataset.data.settings} />
        <AnnotatorLegend annotators={dataset.data.annotators} />
      </div>
      <RecordsBrowser dataset={dataset.data} />
    </div>
  );
}
