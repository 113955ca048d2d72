import { SecretsAdmin } from "~/components/auth/secrets-admin";

export default function SecretsPage() {
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Secrets</h1>
        <p className="text-sm text-slate-500">Encrypted on the server and never sent back: only their last 4 characters show here. Training runs receive them in their environment.</p>
      </div>
      <SecretsAdmin />
    </div>
  );
}
