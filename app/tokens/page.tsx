import { ApiTokens } from "~/components/auth/api-tokens";

export default function TokensPage() {
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">API tokens</h1>
        <p className="text-sm text-slate-500">
          For scripts and the CLI against this studio: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as you, with your role, until you revoke it.
        </p>
      </div>
      <ApiTokens />
    </div>
  );
}
