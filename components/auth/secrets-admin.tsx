"use client";
/** The admin's Secrets page: the Hugging Face token and OpenAI-compatible providers, shown by their last 4 characters. */
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { formatDateTime } from "~/components/format";
import { ErrorMessage, Section, buttonStyle, inputClass, primaryButtonClass } from "~/components/ui";
import { AdminTable } from "./admin-table";

export function SecretsAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const secrets = useQuery(trpc.secrets.list.queryOptions());
  const refresh = { onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey() }) };
  const setToken = useMutation(trpc.secrets.setHuggingFaceToken.mutationOptions(refresh));
  const setProvider = useMutation(trpc.secrets.setProvider.mutationOptions(refresh));
  const remove = useMutation(trpc.secrets.remove.mutationOptions(refresh));
  const [token, setTokenText] = useState("");
  const [provider, setProviderForm] = useState({ name: "", baseUrl: "", apiKey: "" });
  const failure = setToken.error ?? setProvider.error ?? remove.error;
  const saveToken = (event: FormEvent) => {
    event.preventDefault();
    setToken.mutate({ token }, { onSuccess: () => setTokenText("") });
  };
  const saveProvider = (event: FormEvent) => {
    event.preventDefault();
    setProvider.mutate(provider, { onSuccess: () => setProviderForm({ name: "", baseUrl: "", apiKey: "" }) });
  };
  const field = (key: keyof typeof provider) => ({ value: provider[key], onChange: (e: { target: { value: string } }) => setProviderForm({ ...provider, [key]: e.target.value }) });
  return (
    <div className="space-y-4">
      <Section id="set-secrets" title="Set a secret">
        <div className="space-y-3">
          <form onSubmit={saveToken} className="flex flex-wrap items-end gap-2">
            <label className="flex min-w-80 flex-col gap-1 text-xs font-medium text-slate-600">
              Hugging Face token
              <input className={inputClass} type="password" autoComplete="off" value={token} onChange={(e) => setTokenText(e.target.value)} required />
            </label>
            <button type="submit" className={primaryButtonClass} disabled={setToken.isPending}>
              Save token
            </button>
          </form>
          <form onSubmit={saveProvider} className="flex flex-wrap items-end gap-2">
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
              Provider name
              <input className={inputClass} placeholder="openai" required {...field("name")} />
            </label>
            <label className="flex min-w-64 flex-col gap-1 text-xs font-medium text-slate-600">
              Base URL
              <input className={inputClass} type="url" placeholder="https://api.openai.com/v1" required {...field("baseUrl")} />
            </label>
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
              API key
              <input className={inputClass} type="password" autoComplete="off" required {...field("apiKey")} />
            </label>
            <button type="submit" className={primaryButtonClass} disabled={setProvider.isPending}>
              Save provider
            </button>
          </form>
          {failure && <ErrorMessage message={failure.message} />}
        </div>
      </Section>
      <Section id="secrets" title="Secrets">
        <AdminTable
          list={secrets}
          empty="No secrets."
          columns={["Name", "Base URL", "Value", "Updated", ""]}
          rowKey={(secret) => secret.name}
          cells={(secret) => (
            <>
              <td>{secret.kind === "hf_token" ? "Hugging Face token" : secret.name.replace(/^provider:/, "")}</td>
              <td className="font-mono text-xs">{secret.baseUrl ?? "—"}</td>
              <td className="font-mono text-xs">…{secret.last4}</td>
              <td>{formatDateTime(secret.updatedAt)}</td>
              <td>
                <button type="button" className={buttonStyle({ tone: "danger", size: "sm" })} onClick={() => remove.mutate({ name: secret.name })}>
                  Remove
                </button>
              </td>
            </>
          )}
        />
      </Section>
    </div>
  );
}
