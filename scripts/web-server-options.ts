/**
 * Node's options for the web server process (`next start`), used by scripts/start.ts and, so that it
 * measures what `npm start` runs, by bench/records-http.ts.
 *
 * A larger young generation (64 MB semi-spaces instead of V8's default 16 MB): every page answer
 * allocates short-lived request, row and JSON objects, and with the default the scavenger ran often
 * enough to be ~13% of the server's CPU. With 64 MB the records page over HTTP took 10–20% less
 * CPU a page and its p95 fell by about a tenth (README, Benchmarks); the cost is up to ~200 MB more
 * memory at the peak of a burst.
 */
export const WEB_SERVER_NODE_OPTIONS = ["--max-semi-space-size=64"];
