// Streams one uploaded file to disk. Plain HTTP rather than tRPC: request bodies of any size are
// piped to the file as they arrive.
import { saveUploadedFile } from "~/server/uploads";

export async function PUT(req: Request, { params }: { params: Promise<{ uploadId: string; path: string[] }> }) {
  const { uploadId, path } = await params;
  if (!req.body) return Response.json({ error: "empty body" }, { status: 400 });
  try {
    const bytes = await saveUploadedFile(uploadId, path.map(decodeURIComponent).join("/"), req.body);
    return Response.json({ bytes });
  } catch (error) {
    return Response.json({ error: (error as Error).message }, { status: 400 });
  }
}
