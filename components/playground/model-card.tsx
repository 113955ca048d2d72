"use client";
/**
 * A trained model's card (README.md in its folder): the YAML front matter as a small table of text,
 * the Markdown after it through the studio's renderer (raw HTML escaped, remote images not loaded).
 * Loaded when opened.
 */
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { Markdown } from "~/components/markdown";
import { ErrorMessage, Loading } from "~/components/ui";
import { frontMatterRows, splitFrontMatter } from "./playground-format";

/** The card's text: front matter as a table, then the Markdown. */
export function ModelCardText({ markdown }: { markdown: string }) {
  const { yaml, body } = splitFrontMatter(markdown);
  const front = yaml === null ? null : frontMatterRows(yaml);
  return (
    <div className="space-y-3">
      {front?.error && <p className="text-xs text-amber-700">{front.error}</p>}
      {front && front.rows.length > 0 && (
        <table aria-label="Card metadata" className="w-full table-fixed text-xs">
          <tbody>
            {front.rows.map(([key, value]) => (
              <tr key={key} className="border-b border-slate-100 align-top">
                <th scope="row" className="w-36 py-1 pr-3 text-left font-medium text-slate-500">
                  {key}
                </th>
                <td className="break-words py-1 font-mono text-slate-700">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Markdown className="max-h-[40rem] overflow-y-auto">{body}</Markdown>
    </div>
  );
}

export function ModelCard({ jobId }: { jobId: string }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const card = useQuery({ ...trpc.trainingRuns.card.queryOptions({ id: jobId }), enabled: open, retry: false });
  return (
    <details onToggle={(event) => setOpen(event.currentTarget.open)} className="rounded-md border border-slate-200">
      <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-700">Model card</summary>
      <div className="border-t border-slate-100 p-3">
        {card.isPending ? <Loading label="Loading the model card…" /> : card.error ? <ErrorMessage title="Could not load the model card" message={card.error.message} /> : <ModelCardText markdown={card.data.markdown} />}
      </div>
    </details>
  );
}
