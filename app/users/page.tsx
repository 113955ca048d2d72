import { PeopleAdmin } from "~/components/auth/people-admin";

export default function PeoplePage() {
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">People</h1>
        <p className="text-sm text-slate-500">Who may sign in, and what each may do: a viewer reads, a member also imports, builds tasks and trains, an admin also manages people.</p>
      </div>
      <PeopleAdmin />
    </div>
  );
}
