/**
 * Runs before every request. Refuses a request whose Host header names a host the studio does not
 * know: a web page on another site that rebinds its own DNS name to 127.0.0.1 would otherwise
 * reach the studio from the reader's browser (DNS rebinding). Such a request still carries the
 * attacker's name in Host, so only localhost, 127.0.0.1, [::1] (any port), the address in HOST and
 * the names in STUDIO_ALLOWED_HOSTS are answered. Then refuses cross-site changes (CSRF, see
 * server/auth/cross-site.ts) and sends pages without a session cookie to /sign-in.
 *
 * The security headers (CSP and the rest) are static, in next.config.js.
 */
import { NextResponse, type NextRequest } from "next/server";
import { getSessionCookie } from "better-auth/cookies";
import { env } from "./server/env";
import { isCrossSiteChange } from "./server/auth/cross-site";

/** A Host header is a name or a bracketed IPv6 address, and an optional port: anything else is refused. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[^\s:[\]/@\\]+)(?::\d{1,5})?$/i;

function hostName(header: string): string | null {
  const match = HOST_HEADER.exec(header);
  return match ? match[1]!.toLowerCase() : null;
}

/** A configured name: "name", "name:port", "[v6]" or a bare IPv6 address. */
function configuredName(entry: string): string | null {
  const bareIpv6 = entry.indexOf(":") !== entry.lastIndexOf(":") && !entry.startsWith("[");
  return hostName(bareIpv6 ? `[${entry}]` : entry);
}

const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "[::]"]);

function allowedHostNames(): Set<string> {
  const names = new Set(["localhost", "127.0.0.1", "[::1]"]);
  for (const entry of [...env.STUDIO_ALLOWED_HOSTS, env.HOST]) {
    const name = configuredName(entry);
    if (name && !WILDCARD_ADDRESSES.has(name)) names.add(name);
  }
  return names;
}

// Built once per server process: the proxy runs on every request.
let allowed: Set<string> | null = null;

/** Pages anyone may load: the sign-in page and the icon. */
const PUBLIC_PAGES = new Set(["/sign-in", "/icon.svg", "/favicon.ico"]);

export function proxy(request: NextRequest): NextResponse | undefined {
  allowed ??= allowedHostNames();
  const name = hostName(request.headers.get("host") ?? "");
  if (!name || !allowed.has(name)) return refuse("Unknown Host header: this studio answers to localhost and the names in STUDIO_ALLOWED_HOSTS.");
  if (isCrossSiteChange(request)) return refuse("Cross-site request refused.");
  // A page without a session cookie goes to sign-in; the cookie itself is checked by every API
  // call the page makes (a revoked session's page is sent to sign-in by its first 401).
  const { pathname, search } = request.nextUrl;
  if (!pathname.startsWith("/api/") && !PUBLIC_PAGES.has(pathname) && !getSessionCookie(request, { cookiePrefix: "studio" })) {
    const signIn = new URL("/sign-in", request.url);
    if (pathname !== "/") signIn.searchParams.set("next", pathname + search);
    return NextResponse.redirect(signIn);
  }
  return undefined;
}

function refuse(message: string): NextResponse {
  return new NextResponse(`${message}\n`, { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export const config = {
  // Build assets are public and immutable: no need to check them.
  matcher: "/((?!_next/static/).*)",
};
