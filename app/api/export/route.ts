// Downloads the prepared rows of a task as JSONL or Parquet: GET /api/export?q=<json>. The query
// (split, max_records, filter_by, ...) and the preparation are in server/export-prepared.ts.
import { serverDatabase } from "~/server/db/client";
import { exportPrepared, parseExportQuery } from "~/server/export-prepared";

export async function GET(req: Request) {
  try {
    const file = await exportPrepared(serverDatabase(), parseExportQuery(new URL(req.url)));
    return new Response(file.body, {
      headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"` },
    });
  } catch (error) {
    return Response.json({ error: (error as Error).message }, { status: 400 });
  }
}
