"use client";
/**
 * Try a finished training job's model: the playground of its task beside the test split's metrics,
 * the download of the model folder as a .zip, and the model card. Members predict; viewers see the
 * form disabled (predict is a member procedure) and may still download and read.
 */
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { useAllows } from "~/components/auth/use-me";
import { buttonClass, EmptyState, ErrorMessage, Section } from "~/components/ui";
import { ModelCard } from "./model-card";
import { PREDICT_FORMS } from "./predict-forms";
import { formatMetric, playgroundKind } from "./playground-format";

function Metrics({ metrics }: { metrics: Record<string, number> | null }) {
  const entries = Object.entries(metrics ?? {});
  if (entries.length === 0) return <p className="text-sm text-slate-500">No evaluation metrics: the run had no test split.</p>;
  return (
    <table aria-label="Evaluation metrics" className="w-full text-sm">
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name} className="border-b border-slate-100">
            <th scope="row" className="py-1 pr-3 text-left font-normal text-slate-600">
              {name}
            </th>
            <td className="py-1 text-right font-mono">{formatMetric(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TryTheModel({ jobId }: { jobId: string }) {
  const trpc = useTRPC();
  const run = useQuery(trpc.trainingRuns.get.queryOptions({ id: jobId, limit: 1 }));
  const allowed = useAllows("member");
  if (run.isPending) return null;
  if (run.error) return <ErrorMessage title="Could not load the training run" message={run.error.message} />;
  if (run.data.state !== "succeeded") return null;
  const kind = playgroundKind(run.data.task);
  const Form = kind ? PREDICT_FORMS[kind] : null;
  return (
    <Section id="try-the-model" title="Try the model">
      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <div>{Form ? <Form jobId={jobId} allowed={allowed} /> : <EmptyState>The studio has no playground for the task {run.data.task}.</EmptyState>}</div>
        <div className="space-y-4">
          <div>
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Evaluation (test split)</h3>
            <Metrics metrics={run.data.result?.metrics ?? null} />
          </div>
          <a href={`/api/jobs/${jobId}/model`} download className={buttonClass}>
            Download the model (.zip)
          </a>
          <ModelCard jobId={jobId} />
        </div>
      </div>
    </Section>
  );
}
