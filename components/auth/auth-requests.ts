/** The browser's calls to better-auth's endpoints (/api/auth), plain fetches: no client library needed. */
async function post(path: string, body: unknown = {}): Promise<Response> {
  return fetch(`/api/auth${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** null when signed in, else what to tell the person. */
export async function signIn(email: string, password: string): Promise<string | null> {
  const response = await post("/sign-in/email", { email, password });
  if (response.ok) return null;
  if (response.status === 429) return "Too many sign-in attempts: wait a minute and try again.";
  if (response.status === 401) return "Wrong email or password.";
  return `Sign-in failed (${response.status}).`;
}

/** Signs out this browser, or (everywhere) every session of the person. */
export async function signOut({ everywhere }: { everywhere: boolean }): Promise<void> {
  await post(everywhere ? "/revoke-sessions" : "/sign-out");
  window.location.assign("/sign-in");
}

/** A page left without a valid session (expired, signed out elsewhere) goes to sign-in, then back. */
export function goToSignIn(): void {
  if (window.location.pathname === "/sign-in") return;
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/sign-in${next === "/" ? "" : `?next=${encodeURIComponent(next)}`}`);
}
