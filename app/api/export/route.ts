// Downloads the prepared rows of a task as JSONL or Parquet: GET /api/export?q=<json>. The query
// (split, max_records, filter_by, ...) and the preparation are in server/services/export-prepared.ts; the
// preparation runs in a long-work thread (server/long-work), off the event loop, and stops when the
// client goes away (the request's signal).
import { serverDatabase } from "~/server/db/client";
import { parseExportQuery } from "~/server/services/export-prepared";
import { runLongWork } from "~/server/long-work/pool";

export async function GET(req: Request) {
  try {
    const file = await runLongWork({ kind: "export", query: parseExportQuery(new URL(req.url)) }, serverDatabase().url, req.signal);
    return new Response(file.body, {
      headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"` },
    });
  } catch (error) {
    return Response.json({ error: (error as Error).message }, { status: 400 });
  }
}
