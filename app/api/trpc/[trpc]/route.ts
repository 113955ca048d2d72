import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/api/root";
import { createContext } from "~/server/api/trpc";

/**
 * tRPC answers are not gzipped: `next start` compresses every response the browser accepts gzip
 * for, and for a 50-record page that halved the requests a second the server could answer (252
 * to 139 on 2 cores) while saving nothing a page on loopback or a LAN would notice.
 * `no-transform` is what Next's compression skips on.
 */
const responseMeta = () => ({ headers: { "cache-control": "no-transform" } });

const handler = (req: Request) => fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext, responseMeta });

export { handler as GET, handler as POST };
