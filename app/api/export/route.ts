// Downloads the prepared rows of a task as JSONL or Parquet: GET /api/export?q=<json>. The query
// (split, max_records, filter_by, ...) and the preparation are in server/services/export-prepared.ts;
// the preparation runs in a long-work thread (server/long-work), off the event loop, stops when the
// client goes away (the request's signal), and streams the rows into a temporary file that is
// served from disk and unlinked as soon as it is open, so nothing is left behind.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { serverDatabase } from "~/server/db/client";
import { getDataset } from "~/server/db/datasets";
import { parseExportQuery } from "~/server/services/export-prepared";
import { runLongWork } from "~/server/long-work/pool";
import { refuseUnless } from "~/server/auth/request-guard";

export async function GET(req: Request) {
  const refusal = await refuseUnless(req, "viewer");
  if (refusal) return refusal;
  const out = path.join(/*turbopackIgnore: true*/ os.tmpdir(), `studio-export-${randomUUID()}`);
  try {
    const db = serverDatabase();
    const query = parseExportQuery(new URL(req.url));
    const dataset = await getDataset(db.pool, query.dataset);
    const file = await runLongWork({ kind: "export", dataset, query, out }, db.url, req.signal);
    const handle = await fs.promises.open(out);
    return new Response(Readable.toWeb(handle.createReadStream()) as ReadableStream, {
      headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"` },
    });
  } catch (error) {
    return Response.json({ error: (error as Error).message }, { status: 400 });
  } finally {
    await fs.promises.rm(out, { force: true }); // an open file is still read to its end
  }
}
