import { CompareRuns } from "~/components/jobs/compare-runs";

/** /jobs/compare?ids=A,B,…: training runs side by side. */
export default async function ComparePage({ searchParams }: { searchParams: Promise<{ ids?: string }> }) {
  const { ids } = await searchParams;
  const list = (ids ?? "").split(",").filter(Boolean).slice(0, 8);
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold text-slate-900">Compare training runs</h1>
      <CompareRuns ids={list} />
    </div>
  );
}
