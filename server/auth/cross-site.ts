/**
 * CSRF: a request that can change something (any method but GET, HEAD and OPTIONS) is refused
 * when a browser says it comes from another site. Browsers send Sec-Fetch-Site on every request
 * (and Origin on every cross-origin POST); a request with neither comes from a program, which
 * holds no victim's cookie. Runs in proxy.ts, before tRPC, the routes and better-auth.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isCrossSiteChange(request: Request): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite) return fetchSite !== "same-origin" && fetchSite !== "none";
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const host = request.headers.get("host");
  try {
    return origin === "null" || new URL(origin).host !== host;
  } catch {
    return true;
  }
}
