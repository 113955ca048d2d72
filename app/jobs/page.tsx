import { JobList } from "~/components/jobs/job-list";

export default function JobsPage() {
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Jobs</h1>
        <p className="text-sm text-slate-500">Imports, index builds and other background work, run by the studio&apos;s workers.</p>
      </div>
      <JobList />
    </div>
  );
}
