// Streams one uploaded file to disk. Plain HTTP rather than tRPC: request bodies of any size are
// piped to the file as they arrive, up to STUDIO_MAX_UPLOAD_MB per upload (413 past it).
import { saveUploadedFile, UploadTooLargeError } from "~/server/services/uploads";
import { refuseUnless } from "~/server/auth/request-guard";

export async function PUT(req: Request, { params }: { params: Promise<{ uploadId: string; path: string[] }> }) {
  const refusal = await refuseUnless(req, "member");
  if (refusal) return refusal;
  const { uploadId, path } = await params;
  if (!req.body) return Response.json({ error: "empty body" }, { status: 400 });
  const contentLength = req.headers.get("content-length");
  const declaredBytes = contentLength !== null && /^\d+$/.test(contentLength) ? Number(contentLength) : undefined;
  try {
    const bytes = await saveUploadedFile(uploadId, path.map(decodeURIComponent).join("/"), req.body, declaredBytes);
    return Response.json({ bytes });
  } catch (error) {
    if (error instanceof UploadTooLargeError) return Response.json({ error: error.message }, { status: 413 });
    // A file system error's message names server paths: its code says enough.
    const code = (error as NodeJS.ErrnoException).code;
    return Response.json({ error: code ? `could not store the file (${code})` : (error as Error).message }, { status: 400 });
  }
}
