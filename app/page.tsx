import { DatasetTable } from "~/components/datasets/dataset-table";
import { ImportPanel } from "~/components/import/import-panel";

export default function DatasetsPage() {
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Datasets</h1>
        <p className="text-sm text-slate-500">Argilla FeedbackDatasets imported into the studio.</p>
      </div>
      <div className="grid items-start gap-4 xl:grid-cols-[minmax(0,1fr)_24rem]">
        <DatasetTable />
        <ImportPanel />
      </div>
    </div>
  );
}
