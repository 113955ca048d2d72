"use client";
/** The person's API tokens: create one (shown once), see them by name and first characters, revoke. */
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { formatDateTime } from "~/components/format";
import { ErrorMessage, Section, buttonStyle, inputClass, primaryButtonClass } from "~/components/ui";
import { AdminTable } from "./admin-table";
import { useAllows } from "./use-me";

export function ApiTokens() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayCreate = useAllows("member");
  const [name, setName] = useState("");
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const tokens = useQuery(trpc.apiTokens.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiTokens.list.queryKey() });
  const create = useMutation(
    trpc.apiTokens.create.mutationOptions({
      onSuccess: ({ token }) => {
        setShown({ name, token });
        setName("");
        return refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.apiTokens.revoke.mutationOptions({ onSuccess: refresh }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name: name.trim() });
  };
  return (
    <div className="space-y-4">
      <Section id="new-token" title="New token">
        <form onSubmit={submit} className="flex flex-wrap items-end gap-2">
          <fieldset disabled={!mayCreate} className="flex flex-wrap items-end gap-2">
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
              Token name
              <input className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="laptop CLI" required />
            </label>
            <button type="submit" className={primaryButtonClass} disabled={create.isPending}>
              Create token
            </button>
          </fieldset>
        </form>
        {create.error && <div className="mt-2"><ErrorMessage message={create.error.message} /></div>}
        {shown && (
          <div role="status" className="mt-3 space-y-1 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
            <p>Token &ldquo;{shown.name}&rdquo;: copy it now, it is not shown again.</p>
            <code data-testid="new-token" className="block select-all break-all font-mono text-xs">{shown.token}</code>
          </div>
        )}
      </Section>
      <Section id="tokens" title="Your tokens">
        <AdminTable
          list={tokens}
          failure={revoke.error}
          empty="No tokens."
          columns={["Name", "Starts with", "Created", "Last used", ""]}
          rowKey={(token) => token.id}
          cells={(token) => (
            <>
              <td>{token.name}</td>
              <td className="font-mono text-xs">{token.start}…</td>
              <td>{formatDateTime(token.createdAt)}</td>
              <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "never"}</td>
              <td>
                <button type="button" className={buttonStyle({ tone: "danger", size: "sm" })} disabled={!mayCreate} onClick={() => revoke.mutate({ id: token.id })}>
                  Revoke {token.name}
                </button>
              </td>
            </>
          )}
        />
      </Section>
    </div>
  );
}
