"use client";
/** The datasets on the home page: one row each, linking to the dataset's records. */
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { datasetHref, formatDateTime, formatNumber } from "~/components/format";
import { EmptyState, ErrorMessage, Loading, Section } from "~/components/ui";

export function DatasetTable() {
  const trpc = useTRPC();
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  return (
    <Section id="datasets" title="Datasets" actions={datasets.data && <span className="text-xs text-slate-500">{datasets.data.length} in total</span>}>
      {datasets.isPending ? (
        <Loading label="Loading datasets…" />
      ) : datasets.error ? (
        <ErrorMessage title="Could not load the datasets" message={datasets.error.message} />
      ) : datasets.data.length === 0 ? (
        <EmptyState>No datasets yet. Import an Argilla FeedbackDataset export below.</EmptyState>
      ) : (
        <div className="-mx-4 -my-4 overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Name</th>
                <th scope="col" className="px-4 py-2 text-right font-medium">Records</th>
                <th scope="col" className="px-4 py-2 text-right font-medium">Responses</th>
                <th scope="col" className="px-4 py-2 text-right font-medium">Annotators</th>
                <th scope="col" className="px-4 py-2 text-right font-medium">Questions</th>
                <th scope="col" className="px-4 py-2 font-medium">Imported</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {datasets.data.map((d) => (
                <tr key={d.id} className="hover:bg-slate-50">
                  <td className="px-4 py-2">
                    <Link href={datasetHref(d.name)} className="font-medium text-indigo-700 hover:underline">
                      {d.name}
                    </Link>
                    {d.source && d.source !== d.name && <span className="ml-2 font-mono text-xs text-slate-400">{d.source}</span>}
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">{formatNumber(d.recordCount)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{formatNumber(d.responseCount)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{formatNumber(d.annotatorCount)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{formatNumber(d.questionCount)}</td>
                  <td className="whitespace-nowrap px-4 py-2 text-slate-600">{formatDateTime(d.importedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
