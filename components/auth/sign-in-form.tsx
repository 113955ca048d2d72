"use client";
import { useState, type FormEvent } from "react";
import { ErrorMessage, inputClass, primaryButtonClass } from "~/components/ui";
import { signIn } from "./auth-requests";

/** Where to go after signing in: a path on this studio only (never another site). */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get("next");
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function SignInForm() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    const refusal = await signIn(email.trim(), password);
    if (refusal === null) {
      window.location.assign(nextPath());
      return;
    }
    setError(refusal);
    setPending(false);
  };
  return (
    <form onSubmit={submit} className="mx-auto mt-16 flex max-w-sm flex-col gap-3 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold text-slate-900">Sign in</h1>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
        Email
        <input className={inputClass} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
        Password
        <input className={inputClass} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      {error && <ErrorMessage message={error} testId="sign-in-error" />}
      <button type="submit" className={primaryButtonClass} disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
