/** Dataset reads and deletion (Prisma; these are small queries). */
import type { PrismaClient } from "@prisma/client";
import { datasetSettingsSchema, type DatasetSettings } from "../feedback/schema";
import { MAX_SORT_INDEXES, metadataIndexName, facetsIndexName, searchIndexName } from "./dataset-indexes";

export interface DatasetSummary {
  id: number;
  name: string;
  source: string | null;
  recordCount: number;
  responseCount: number;
  suggestionCount: number;
  annotatorCount: number;
  questionCount: number;
  importedAt: Date;
}

export interface DatasetDetail extends DatasetSummary {
  settings: DatasetSettings;
}

type DatasetRow = Awaited<ReturnType<PrismaClient["dataset"]["findFirstOrThrow"]>>;

function toDetail(row: DatasetRow): DatasetDetail {
  const settings = datasetSettingsSchema.parse(row.settings);
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    recordCount: row.recordCount,
    responseCount: row.responseCount,
    suggestionCount: row.suggestionCount,
    annotatorCount: row.annotatorCount,
    questionCount: settings.questions.length,
    importedAt: row.importedAt,
    settings,
  };
}

export async function listDatasets(prisma: PrismaClient): Promise<DatasetSummary[]> {
  const rows = await prisma.dataset.findMany({ orderBy: { importedAt: "desc" } });
  return rows.map((row) => {
    const { settings: _settings, ...summary } = toDetail(row);
    return summary;
  });
}

export async function findDataset(prisma: PrismaClient, name: string): Promise<DatasetDetail | null> {
  const row = await prisma.dataset.findUnique({ where: { name } });
  return row ? toDetail(row) : null;
}

export class DatasetNotFoundError extends Error {
  constructor(name: string) {
    super(`No dataset named "${name}"`);
    this.name = "DatasetNotFoundError";
  }
}

export async function getDataset(prisma: PrismaClient, name: string): Promise<DatasetDetail> {
  const dataset = await findDataset(prisma, name);
  if (!dataset) throw new DatasetNotFoundError(name);
  return dataset;
}

/** Records have no foreign key (see schema.prisma): delete them here, with the dataset and its indexes. */
export async function deleteDataset(prisma: PrismaClient, name: string): Promise<void> {
  const dataset = await getDataset(prisma, name);
  const indexes = [searchIndexName(dataset.id), facetsIndexName(dataset.id), ...Array.from({ length: MAX_SORT_INDEXES }, (_, i) => metadataIndexName(dataset.id, i))];
  // Deleting a million records takes longer than Prisma's default 5 s transaction timeout.
  await prisma.$transaction(
    async (tx) => {
      await tx.record.deleteMany({ where: { datasetId: dataset.id } });
      await tx.dataset.delete({ where: { id: dataset.id } });
      for (const index of indexes) await tx.$executeRawUnsafe(`DROP INDEX IF EXISTS ${index}`);
    },
    { timeout: 30 * 60_000, maxWait: 60_000 },
  );
}
