// Downloads the prepared rows of a task as JSONL or Parquet: GET /api/export?q=<json>, where q
// holds {dataset, task, framework, split: "train"|"test", format, trainSize?, testSize?, seed?}.
import { z } from "zod";
import { serverDatabase } from "~/server/db/client";
import { prepareDataset, toJsonLines, toParquet } from "~/server/prepare-dataset";
import { FRAMEWORKS, parseTrainingTask } from "~/server/training";

const querySchema = z.object({
  dataset: z.string().min(1),
  task: z.unknown(),
  framework: z.enum(FRAMEWORKS),
  split: z.enum(["train", "test"]).default("train"),
  format: z.enum(["jsonl", "parquet"]).default("jsonl"),
  trainSize: z.number().gt(0).max(1).optional(),
  testSize: z.number().min(0).lt(1).optional(),
  seed: z.number().int().optional(),
});

export async function GET(req: Request) {
  try {
    const query = querySchema.parse(JSON.parse(new URL(req.url).searchParams.get("q") ?? "{}"));
    const { prepared } = await prepareDataset(serverDatabase(), query.dataset, { ...query, task: parseTrainingTask(query.task) });
    const rows = query.split === "train" ? prepared.train : prepared.test;
    const filename = `${query.dataset}-${query.framework}-${query.split}.${query.format}`;
    const body = query.format === "jsonl" ? toJsonLines(rows) : Buffer.from(await toParquet(rows));
    return new Response(body, {
      headers: {
        "content-type": query.format === "jsonl" ? "application/jsonl" : "application/vnd.apache.parquet",
        "content-disposition": `attachment; filename="${filename}"`,
      },
    });
  } catch (error) {
    return Response.json({ error: (error as Error).message }, { status: 400 });
  }
}
