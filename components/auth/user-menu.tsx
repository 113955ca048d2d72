"use client";
/** The header's right side: who is signed in, the admin's People and Secrets links, API tokens, sign out (here or everywhere). */
import Link from "next/link";
import { usePathname } from "next/navigation";
import { buttonStyle } from "~/components/ui";
import { signOut } from "./auth-requests";
import { useMe } from "./use-me";

export function UserMenu() {
  // The sign-in page has nobody to show (and asking would answer 401).
  return usePathname() === "/sign-in" ? null : <SignedInMenu />;
}

function SignedInMenu() {
  const { data: me } = useMe();
  if (!me) return null;
  return (
    <div className="ml-auto flex items-center gap-3 text-sm">
      {me.role === "admin" && (
        <>
          <Link href="/users" className="text-slate-600 hover:text-slate-900">
            People
          </Link>
          <Link href="/secrets" className="text-slate-600 hover:text-slate-900">
            Secrets
          </Link>
        </>
      )}
      <Link href="/tokens" className="text-slate-600 hover:text-slate-900">
        API tokens
      </Link>
      <span data-testid="signed-in-as" className="text-slate-600">
        {me.email} <span className="text-xs text-slate-400">({me.role})</span>
      </span>
      <button type="button" className={buttonStyle({ size: "sm" })} onClick={() => void signOut({ everywhere: false })}>
        Sign out
      </button>
      <button type="button" className={buttonStyle({ size: "sm" })} title="Ends every session of yours, on every device" onClick={() => void signOut({ everywhere: true })}>
        Sign out everywhere
      </button>
    </div>
  );
}
