/**
 * Streams the rows of a Parquet export file (what `push_to_huggingface` uploads) one row group
 * at a time with hyparquet, so memory holds one row group, never the whole file.
 *
 * hyparquet already assembles nested columns into the shapes rows.ts reads: list<struct> →
 * array of objects (1.14+ responses), struct → object (suggestion metadata), struct of lists →
 * object of arrays (ranking/span values, 1.13 responses). What is left to fix up is INT64, which
 * hyparquet returns as BigInt; it is turned into Number here.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from "hyparquet";
import type { AsyncBuffer, FileMetaData, SchemaTree } from "hyparquet";
import { ImportError } from "./errors";

export interface ParquetRow {
  /** 1-based row number in the file. */
  row: number;
  value: Record<string, unknown>;
}

export interface ParquetRowSource {
  /** Row count from the file footer, known before any row is read. */
  totalRows: number;
  rows(): AsyncGenerator<ParquetRow>;
}

/** Open a Parquet file (reads only its footer). `file` names it in errors. */
export async function openParquetFile(filePath: string, file: string): Promise<ParquetRowSource> {
  let buffer: AsyncBuffer;
  let metadata: FileMetaData;
  try {
    buffer = await asyncBufferFromFile(filePath);
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw new ImportError({ file, problem: `not a readable Parquet file (${(error as Error).message})`, cause: error });
  }
  const totalRows = Number(metadata.num_rows);
  const columnsWithInt64 = new Set(parquetSchema(metadata).children.filter(hasInt64Leaf).map((column) => column.element.name));

  async function* rows(): AsyncGenerator<ParquetRow> {
    if (totalRows === 0) throw new ImportError({ file, problem: "no records (the file has no rows)" });
    let groupStart = 0;
    for (const [groupIndex, group] of metadata.row_groups.entries()) {
      const groupEnd = groupStart + Number(group.num_rows);
      let values: Record<string, unknown>[];
      try {
        values = await parquetReadObjects({ file: buffer, metadata, rowStart: groupStart, rowEnd: groupEnd });
      } catch (error) {
        throw new ImportError({
          file,
          row: groupStart + 1,
          problem: `cannot read row group ${groupIndex + 1} (rows ${groupStart + 1}–${groupEnd}): ${(error as Error).message}`,
          cause: error,
        });
      }
      for (let i = 0; i < values.length; i++) {
        const value = values[i]!;
        for (const column of columnsWithInt64) {
          if (column in value) value[column] = bigIntsToNumbers(value[column]);
        }
        yield { row: groupStart + i + 1, value };
      }
      groupStart = groupEnd;
    }
  }

  return { totalRows, rows };
}

/** Convenience: iterate a Parquet file's rows. */
export async function* readParquetRows(filePath: string, file: string): AsyncGenerator<ParquetRow> {
  const source = await openParquetFile(filePath, file);
  yield* source.rows();
}

function hasInt64Leaf(node: SchemaTree): boolean {
  if (node.children.length === 0) return node.element.type === "INT64";
  return node.children.some(hasInt64Leaf);
}

/** Recursively replaces BigInt values (INT64 columns) with Numbers, in place where possible. */
function bigIntsToNumbers(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = bigIntsToNumbers(value[i]);
    return value;
  }
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) return Array.from(value, Number);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = bigIntsToNumbers(record[key]);
  }
  return value;
}
