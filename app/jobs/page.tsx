import { Suspense } from "react";
import { JobList } from "~/components/jobs/job-list";
import { Loading } from "~/components/ui";

export default function JobsPage() {
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Jobs</h1>
        <p className="text-sm text-slate-500">Imports, index builds, training runs and other background work, run by the studio&apos;s workers.</p>
      </div>
      {/* The filters live in the URL: the list reads its search params. */}
      <Suspense fallback={<Loading label="Loading jobs…" />}>
        <JobList />
      </Suspense>
    </div>
  );
}
