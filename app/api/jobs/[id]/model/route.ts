// Downloads a succeeded training job's model folder as a .zip: GET /api/jobs/<id>/model. Streamed:
// the folder is walked and each file is read only when the archive reaches it, so nothing is held in
// memory. Only the job's own folder is served: the model folder must resolve (realpath) inside the
// job's folder, and links in it are never followed (skipped while walking, and refused by O_NOFOLLOW
// should a file turn into one before it is read). Errors never name a server path.
import fs from "node:fs";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { ZipFile } from "yazl";
import { refuseUnless } from "~/server/auth/request-guard";
import { serverDatabase } from "~/server/db/client";
import { trainingJobDir } from "~/server/jobs/kinds/training";
import { getJob } from "~/server/jobs/store";
import { PredictJobError, trainedModel } from "~/server/training-runs/predict";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Weights hardly compress: stored as they are, which saves the CPU of deflating hundreds of MB. */
const STORED = /\.(safetensors|bin|pt|pth|ckpt|onnx|gguf|npy|npz|h5|msgpack|spacy)$/i;

const notFound = (message: string) => Response.json({ error: message }, { status: 404 });

/** `<dataset>-<framework>-<first 8 of the id>-model`, in characters every file system and header takes. */
function archiveName(datasetName: string | null, framework: string, id: string): string {
  const slug = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|-+$/g, "").slice(0, 60);
  return [slug(datasetName ?? ""), slug(framework), id.slice(0, 8), "model"].filter(Boolean).join("-");
}

/** Regular files under `dir` (a real folder), relative to it; links and special files are skipped. */
async function* regularFiles(dir: string, relative = ""): AsyncGenerator<{ name: string; stat: fs.Stats }> {
  const entries = await fs.promises.readdir(path.join(dir, relative), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const name = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) yield* regularFiles(dir, name);
    else if (entry.isFile()) yield { name, stat: await fs.promises.lstat(path.join(dir, name)) };
  }
}

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const refusal = await refuseUnless(req, "viewer");
  if (refusal) return refusal;
  const { id } = await params;
  if (!UUID.test(id)) return notFound(`No training job ${id.slice(0, 40)}`);
  const db = serverDatabase();
  let modelDir: string;
  try {
    modelDir = (await trainedModel(db, id)).modelDir;
  } catch (error) {
    if (error instanceof PredictJobError) return notFound(error.message);
    throw error;
  }
  const jobDir = await fs.promises.realpath(trainingJobDir(id)).catch(() => null);
  const realModelDir = await fs.promises.realpath(modelDir).catch(() => null);
  if (!jobDir || !realModelDir || !realModelDir.startsWith(jobDir + path.sep)) return notFound(`The model of training job ${id} is not in its job's folder`);
  const job = (await getJob(db.pool, id))!;
  const name = archiveName(job.datasetName, (job.payload as { framework: string }).framework, id);

  const zip = new ZipFile();
  const output = new PassThrough();
  const open = new Set<Readable>();
  const stop = (error?: Error) => {
    for (const stream of open) stream.destroy();
    output.destroy(error);
  };
  zip.on("error", (error: NodeJS.ErrnoException) => stop(new Error(`could not read a model file (${error.code ?? "error"})`)));
  zip.outputStream.pipe(output);
  req.signal.addEventListener("abort", () => stop(), { once: true });
  void (async () => {
    for await (const { name: file, stat } of regularFiles(realModelDir)) {
      if (req.signal.aborted) return;
      zip.addReadStreamLazy(`${name}/${file}`, { size: stat.size, mtime: stat.mtime, mode: stat.mode & 0o777, compress: !STORED.test(file) }, (done) => {
        fs.promises.open(path.join(realModelDir, file), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW).then(
          (handle): void => {
            const stream = handle.createReadStream();
            open.add(stream);
            stream.once("close", () => open.delete(stream));
            done(null, stream);
          },
          (error: unknown) => done(error, new PassThrough()),
        );
      });
    }
    zip.end();
  })().catch((error: NodeJS.ErrnoException) => stop(new Error(`could not list the model folder (${error.code ?? "error"})`)));

  return new Response(Readable.toWeb(output) as ReadableStream, {
    headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="${name}.zip"`, "cache-control": "no-store" },
  });
}
