"use client";
/** The admin's People page: everyone with their role, adding a person, changing a role, removing. */
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { ErrorMessage, Section, buttonStyle, inputClass, primaryButtonClass } from "~/components/ui";
import { AdminTable } from "./admin-table";
import { ROLES, type Role } from "~/server/auth/roles";
import { useMe } from "./use-me";

export function PeopleAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const people = useQuery(trpc.users.list.queryOptions());
  const refresh = { onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() }) };
  const setRole = useMutation(trpc.users.setRole.mutationOptions(refresh));
  const remove = useMutation(trpc.users.remove.mutationOptions(refresh));
  const failure = setRole.error ?? remove.error;
  return (
    <div className="space-y-4">
      <AddPerson />
      <Section id="people" title="People">
        <AdminTable
          list={people}
          failure={failure}
          empty="No people."
          columns={["Email", "Name", "Role", ""]}
          rowKey={(person) => person.id}
          cells={(person) => (
            <>
              <td>{person.email}</td>
              <td>{person.name}</td>
              <td>
                <select
                  aria-label={`Role of ${person.email}`}
                  className={inputClass}
                  value={person.role}
                  disabled={person.id === me?.id}
                  onChange={(e) => setRole.mutate({ id: person.id, role: e.target.value as Role })}
                >
                  {ROLES.map((role) => (
                    <option key={role}>{role}</option>
                  ))}
                </select>
              </td>
              <td>
                {person.id !== me?.id && (
                  <button
                    type="button"
                    className={buttonStyle({ tone: "danger", size: "sm" })}
                    onClick={() => window.confirm(`Remove ${person.email}? They are signed out everywhere.`) && remove.mutate({ id: person.id })}
                  >
                    Remove
                  </button>
                )}
              </td>
            </>
          )}
        />
      </Section>
    </div>
  );
}

function AddPerson() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ email: "", name: "", password: "", role: "viewer" as Role });
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => {
        setForm({ email: "", name: "", password: "", role: "viewer" });
        return queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(form);
  };
  const field = (key: "email" | "name" | "password") => ({ value: form[key], onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }) });
  return (
    <Section id="add-person" title="Add a person">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Email
          <input className={inputClass} type="email" required {...field("email")} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Name
          <input className={inputClass} required {...field("name")} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Password (12 characters or more)
          <input className={inputClass} type="password" autoComplete="new-password" minLength={12} required {...field("password")} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Role
          <select className={inputClass} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((role) => (
              <option key={role}>{role}</option>
            ))}
          </select>
        </label>
        <button type="submit" className={primaryButtonClass} disabled={create.isPending}>
          Add
        </button>
      </form>
      {create.error && <div className="mt-2"><ErrorMessage message={create.error.message} /></div>}
    </Section>
  );
}
