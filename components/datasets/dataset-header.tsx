/** Breadcrumb and headline numbers of a dataset, on its page and on its record pages. */
import Link from "next/link";
import type { ReactNode } from "react";
import { datasetHref, formatDateTime, formatNumber } from "~/components/format";
import type { DatasetDetail } from "~/components/types";
import { buttonClass, primaryButtonClass } from "~/components/ui";
import { DeleteDatasetButton } from "./delete-dataset-button";

export function Breadcrumb({ items }: { items: { label: string; href?: string }[] }) {
  return (
    <nav aria-label="Breadcrumb" className="text-xs text-slate-500">
      <ol className="flex flex-wrap items-center gap-1">
        {items.map((item, i) => (
          <li key={i} className="flex items-center gap-1">
            {i > 0 && <span aria-hidden>/</span>}
            {item.href ? (
              <Link href={item.href} className="hover:text-indigo-700 hover:underline">
                {item.label}
              </Link>
            ) : (
              <span aria-current="page">{item.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function DatasetHeader({ dataset }: { dataset: DatasetDetail }) {
  const stats: [string, ReactNode][] = [
    ["records", formatNumber(dataset.recordCount)],
    ["responses", formatNumber(dataset.responseCount)],
    ["suggestions", formatNumber(dataset.suggestionCount)],
    ["annotators", formatNumber(dataset.annotatorCount)],
    ["questions", formatNumber(dataset.questionCount)],
  ];
  return (
    <header className="space-y-2">
      <Breadcrumb items={[{ label: "Datasets", href: "/" }, { label: dataset.name }]} />
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">{dataset.name}</h1>
          <p className="text-xs text-slate-500">
            Imported {formatDateTime(dataset.importedAt)}
            {dataset.source && (
              <>
                {" "}from <span className="font-mono">{dataset.source}</span>
              </>
            )}
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-6">
          <dl className="flex flex-wrap gap-x-6 gap-y-1">
            {stats.map(([label, value]) => (
              <div key={label} className="text-right">
                <dt className="text-[11px] uppercase tracking-wide text-slate-500">{label}</dt>
                <dd className="text-lg font-semibold tabular-nums text-slate-900">{value}</dd>
              </div>
            ))}
          </dl>
          <div className="flex items-start gap-2">
            <Link href={`${datasetHref(dataset.name)}/train`} className={primaryButtonClass}>
              Train / prepare
            </Link>
            <Link href={`/jobs?dataset=${dataset.id}`} className={buttonClass}>Jobs</Link>
            <DeleteDatasetButton name={dataset.name} />
          </div>
        </div>
      </div>
    </header>
  );
}

