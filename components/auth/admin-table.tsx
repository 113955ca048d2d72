"use client";
/** The lists of the account and admin pages (people, API tokens, secrets): one shape for loading, errors, empty and rows. */
import type { ReactNode } from "react";
import { ErrorMessage, Loading } from "~/components/ui";

interface Message {
  message: string;
}

export function AdminTable<T>({
  list,
  failure,
  empty,
  columns,
  rowKey,
  cells,
}: {
  list: { isPending: boolean; error: Message | null; data?: T[] };
  /** An action's error (remove, revoke), shown above the list. */
  failure?: Message | null;
  /** What an empty list says, e.g. "No tokens." */
  empty: string;
  /** Column headings; "" for the actions column. */
  columns: string[];
  rowKey: (item: T) => string;
  /** The row's <td> cells; the last one is right-aligned (its actions). */
  cells: (item: T) => ReactNode;
}) {
  return (
    <>
      {list.isPending && <Loading />}
      {list.error && <ErrorMessage message={list.error.message} />}
      {failure && <ErrorMessage message={failure.message} />}
      {list.data?.length === 0 && <p className="text-sm text-slate-500">{empty}</p>}
      {!!list.data?.length && (
        <table className="w-full text-left text-sm [&_td]:py-1.5 [&_td:last-child]:text-right">
          <thead className="text-xs text-slate-500">
            <tr>
              {columns.map((column, i) => (
                <th key={i} className="py-1">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.data.map((item) => (
              <tr key={rowKey(item)} className="border-t border-slate-100">
                {cells(item)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
