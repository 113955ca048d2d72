/**
 * Who the short ids are: responses show each annotator by the first block of their user id; this
 * lists every annotator of the dataset with the full id and how many records they answered.
 */
import { formatNumber, shortUserId } from "~/components/format";
import type { Annotator } from "~/components/types";
import { Section } from "~/components/ui";

export function AnnotatorLegend({ annotators }: { annotators: Annotator[] }) {
  if (annotators.length === 0) return null;
  return (
    <Section id="annotators" title="Annotators">
      <table className="w-full text-sm">
        <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-4 font-medium">Shown as</th>
            <th scope="col" className="py-1 pr-4 font-medium">User id</th>
            <th scope="col" className="py-1 text-right font-medium">Responses</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {annotators.map((annotator) => (
            <tr key={annotator.id}>
              <td className="py-1 pr-4 font-mono text-xs text-slate-700">{shortUserId(annotator.userId)}</td>
              <td className="py-1 pr-4 font-mono text-xs text-slate-500">{annotator.userId ?? "none (responses without a user id)"}</td>
              <td className="py-1 text-right tabular-nums">{formatNumber(annotator.responseCount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
