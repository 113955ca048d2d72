/**
 * Next.js start-up hook (runs once per server process): deletes abandoned uploads and zip
 * extraction folders now, then periodically (server/services/uploads.ts). Node runtime only: the edge
 * runtime has no file system (Next drops this branch from its edge bundle).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { scheduleCleanup } = await import("./server/services/uploads");
    scheduleCleanup();
  }
}
