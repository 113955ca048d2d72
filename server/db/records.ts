/**
 * Record reads: keyset pages with filters (the browser, the preview) and a streaming walk of a
 * whole dataset (prepare). A record row holds its responses and suggestions, so a page is one
 * index range over one table. Response and suggestion filters test the record's facets (see
 * record-facets.ts); metadata filters compare the same jsonb expression the per-property sort
 * indexes are built on, so the planner can use those indexes and their statistics; a search tests
 * the record's stored vector in `record_search` (a merge join in idx order for a common word, its
 * GIN index for a rare one), and a page in idx order filtered on a rare facet reads its records
 * from `record_facet` instead of walking past the rest.
 */
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { RESPONSE_STATUSES, type FeedbackResponse, type StoredRecord, type Suggestion } from "../feedback/schema";
import type { RecordCursor, RecordFilter, RecordSort } from "../feedback/record-query";
import { metadataSortKey, SEARCH_VECTOR, sqlString } from "./dataset-indexes";
import { facet } from "./record-facets";
import type { DatasetDetail } from "./datasets";
import { BinaryCopyReader, copyRowsOut, int4Value, jsonbValue, jsonValue, textValue } from "./copy-binary";

export interface BrowsedResponse extends FeedbackResponse {
  annotatorId: number;
}
export interface BrowsedRecord extends StoredRecord {
  responses: BrowsedResponse[];
}

export interface RecordPage {
  records: BrowsedRecord[];
  nextCursor: RecordCursor | null;
}

export interface Annotator {
  id: number;
  userId: string | null;
  responseCount: number;
}

/**
 * A dataset's annotators never change after its import commits (a dataset is replaced, never
 * edited, and ids are not reused), so each pool remembers them: a records page needs them for
 * user ids and should not pay a second query for it.
 */
const annotatorCache = new WeakMap<object, Map<number, Annotator[]>>();

export async function listAnnotators(db: pg.Pool | pg.PoolClient, datasetId: number): Promise<Annotator[]> {
  const cached = annotatorCache.get(db)?.get(datasetId);
  if (cached) return cached;
  const { rows } = await db.query<{ id: number; user_id: string | null; response_count: number }>(
    "SELECT id, user_id, response_count FROM annotator WHERE dataset_id = $1 ORDER BY id",
    [datasetId],
  );
  const annotators = rows.map((r) => ({ id: r.id, userId: r.user_id, responseCount: r.response_count }));
  // Empty: the import may not have committed yet; ask again next time.
  if (annotators.length) {
    if (!annotatorCache.has(db)) annotatorCache.set(db, new Map());
    annotatorCache.get(db)!.set(datasetId, annotators);
  }
  return annotators;
}

/** Builds WHERE clauses with numbered parameters. */
class SqlBuilder {
  readonly params: unknown[] = [];
  readonly where: string[] = [];
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/** Filter values as the jsonb values they may be stored as: "3" matches 3, "true" matches true. */
function termsAsJsonb(values: string[]): string[] {
  const out = values.map((v) => JSON.stringify(v));
  for (const v of values) {
    const n = Number(v);
    if (v.trim() !== "" && Number.isFinite(n)) out.push(JSON.stringify(n));
    if (v === "true" || v === "false") out.push(v);
  }
  return out;
}

/** The dataset a read is about, and what its side tables hold (see dataset-indexes.ts). */
export type RecordScope = Pick<DatasetDetail, "id" | "sideTablesReady" | "rareFacets">;

/**
 * A page in insertion order, as the filters see it: `idxBound` is its keyset condition on idx
 * (e.g. "> $3"), repeated inside a rare-facet lookup because the planner carries only equalities
 * across the join.
 */
interface IndexOrderedPage {
  idxBound?: string;
}

function applyFilter(sql: SqlBuilder, scope: RecordScope, filter: RecordFilter, page?: IndexOrderedPage): void {
  const facets = (tokens: string[], op: "@>" | "&&") => `r.facets ${op} ${sql.param(tokens)}::text[]`;
  // A page in idx order that needs a rare facet reads its records from record_facet (one such
  // lookup drives the page; further facets are tested on the records it finds). Counts and pages
  // in another order walk and test the records.
  let rareFacetLookup = Boolean(page && scope.sideTablesReady);
  const required = (tokens: string[], op: "@>" | "&&") => {
    if (!rareFacetLookup || tokens.length !== 1 || !scope.rareFacets.includes(tokens[0])) return facets(tokens, op);
    rareFacetLookup = false;
    const bound = page?.idxBound ? ` AND f.idx ${page.idxBound}` : "";
    return `EXISTS (SELECT 1 FROM record_facet f WHERE f.dataset_id = r.dataset_id AND f.facet = ${sql.param(tokens[0])} AND f.idx = r.idx${bound})`;
  };
  if (filter.annotators?.length) {
    const status = filter.annotatorStatus;
    sql.where.push(required(filter.annotators.map((a) => (status ? facet.annotatorStatus(a, status) : facet.annotator(a))), "&&"));
  } else if (filter.annotatorStatus) {
    sql.where.push(required([facet.status(filter.annotatorStatus)], "@>"));
  }
  for (const { question, status } of filter.questionStatus ?? []) {
    if (status === "pending") sql.where.push(question ? `NOT ${facets([facet.answered(question)], "@>")}` : `NOT ${facets(RESPONSE_STATUSES.map(facet.status), "&&")}`);
    else sql.where.push(required([question ? facet.answeredWith(question, status) : facet.status(status)], "@>"));
  }
  if (filter.suggestion !== undefined) {
    const token = [facet.suggestion(typeof filter.suggestion === "string" ? filter.suggestion : undefined)];
    sql.where.push(filter.suggestion === false ? `NOT ${facets(token, "@>")}` : required(token, "@>"));
  }
  for (const [name, values] of Object.entries(filter.metadataTerms ?? {})) {
    const terms = termsAsJsonb(values);
    // One value as `=`: the planner then reads the property's index in idx order (`= ANY` is not ordered).
    if (terms.length === 1) sql.where.push(`${metadataSortKey(sql.param(name))} = ${sql.param(terms[0])}::jsonb`);
    else if (terms.length) sql.where.push(`${metadataSortKey(sql.param(name))} = ANY(${sql.param(terms)}::jsonb[])`);
  }
  for (const [name, { min, max }] of Object.entries(filter.metadataRange ?? {})) {
    // jsonb orders numbers numerically, but after strings and before booleans: bound the type too.
    const value = metadataSortKey(sql.param(name));
    sql.where.push(`jsonb_typeof(${value}) = 'number'`);
    if (min !== undefined) sql.where.push(`${value} >= ${sql.param(JSON.stringify(min))}::jsonb`);
    if (max !== undefined) sql.where.push(`${value} <= ${sql.param(JSON.stringify(max))}::jsonb`);
  }
  if (filter.search?.trim()) {
    const query = `websearch_to_tsquery('simple', ${sql.param(filter.search.trim())})`;
    sql.where.push(
      scope.sideTablesReady
        ? `EXISTS (SELECT 1 FROM record_search s WHERE s.dataset_id = r.dataset_id AND s.idx = r.idx AND s.vector @@ ${query})`
        : `${SEARCH_VECTOR} @@ ${query}`,
    );
  }
}

const RECORD_COLUMNS = "r.idx, r.external_id, r.fields, r.metadata, r.vectors, r.responses, r.suggestions";

interface RecordRow {
  idx: number;
  external_id: string | null;
  fields: Record<string, string | null>;
  metadata: Record<string, unknown>;
  vectors: Record<string, number[] | null> | null;
  responses: [number, FeedbackResponse["status"], FeedbackResponse["values"]][];
  suggestions: [string, Suggestion["value"], Suggestion["score"], string | null, Suggestion["type"]][];
  sort_value?: unknown;
}

function toRecord(row: RecordRow, userIds: Map<number, string | null>): BrowsedRecord {
  return {
    id: String(row.idx),
    index: row.idx,
    externalId: row.external_id,
    fields: row.fields,
    metadata: row.metadata,
    ...(row.vectors ? { vectors: row.vectors } : {}),
    responses: row.responses.map(([annotatorId, status, values]) => ({ annotatorId, userId: userIds.get(annotatorId) ?? null, status, values })),
    suggestions: row.suggestions.map(([question, value, score, agent, type]) => ({ question, value, score, agent, type })),
  };
}

export interface PageQuery {
  filter?: RecordFilter;
  sort?: RecordSort;
  cursor?: RecordCursor | null;
  limit: number;
}

export async function listRecords(db: pg.Pool, scope: RecordScope, query: PageQuery, annotators?: Annotator[]): Promise<RecordPage> {
  const sql = new SqlBuilder();
  const datasetId = scope.id;
  sql.where.push(`r.dataset_id = ${sql.param(datasetId)}`);
  const sort = query.sort ?? { by: "index", order: "asc" };
  const desc = sort.order === "desc";
  const cmp = desc ? "<" : ">";
  let orderBy: string;
  let pageOrder: string;
  let sortValue = "";
  if (sort.by === "index") {
    const idxBound = query.cursor ? `${cmp} ${sql.param(query.cursor.index)}` : undefined;
    if (idxBound) sql.where.push(`r.idx ${idxBound}`);
    applyFilter(sql, scope, query.filter ?? {}, { idxBound });
    orderBy = `r.idx ${desc ? "DESC" : "ASC"}`;
    pageOrder = `p.idx ${desc ? "DESC" : "ASC"}`;
  } else {
    // jsonb ordering sorts numbers numerically and strings lexically; a missing value is jsonb
    // null, which sorts first, so every record keeps a place in the keyset.
    applyFilter(sql, scope, query.filter ?? {});
    const key = metadataSortKey(sql.param(sort.by));
    sortValue = `, ${key} AS sort_value`;
    if (query.cursor) {
      sql.where.push(`(${key}, r.idx) ${cmp} (${sql.param(JSON.stringify(query.cursor.value ?? null))}::jsonb, ${sql.param(query.cursor.index)})`);
    }
    orderBy = `${key} ${desc ? "DESC" : "ASC"}, r.idx ${desc ? "DESC" : "ASC"}`;
    pageOrder = `p.sort_value ${desc ? "DESC" : "ASC"}, p.idx ${desc ? "DESC" : "ASC"}`;
  }
  const limit = sql.param(query.limit + 1);
  // One JSON document per page: one parse in Node instead of one per column per row.
  const text = `SELECT COALESCE(json_agg(p ORDER BY ${pageOrder}), '[]') AS page FROM (SELECT ${RECORD_COLUMNS}${sortValue} FROM record r WHERE ${sql.where.join(" AND ")} ORDER BY ${orderBy} LIMIT ${limit}) p`;
  const [{ rows: [{ page: rows }] }, annotatorList] = await Promise.all([db.query<{ page: RecordRow[] }>(text, sql.params), annotators ?? listAnnotators(db, datasetId)]);
  const userIds = new Map(annotatorList.map((a) => [a.id, a.userId]));
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  const last = page[page.length - 1];
  return {
    records: page.map((row) => toRecord(row, userIds)),
    nextCursor: hasMore && last ? { index: last.idx, value: sort.by === "index" ? undefined : last.sort_value } : null,
  };
}

/** Counts matching records, up to `cap` (a count over a million rows is not worth waiting for). */
export async function countRecords(db: pg.Pool, scope: RecordScope, filter: RecordFilter, cap = 100_000): Promise<{ count: number; capped: boolean }> {
  const sql = new SqlBuilder();
  sql.where.push(`r.dataset_id = ${sql.param(scope.id)}`);
  applyFilter(sql, scope, filter);
  const text = `SELECT count(*) AS n FROM (SELECT 1 FROM record r WHERE ${sql.where.join(" AND ")} LIMIT ${sql.param(cap + 1)}) m`;
  const n = Number((await db.query<{ n: string }>(text, sql.params)).rows[0].n); // bigint arrives as text
  return { count: Math.min(n, cap), capped: n > cap };
}

export async function getRecord(db: pg.Pool, datasetId: number, index: number): Promise<BrowsedRecord | null> {
  const [record] = await listRecordsByIndexes(db, datasetId, [index]);
  return record ?? null;
}

export interface StreamQuery {
  sort?: RecordSort;
  signal?: AbortSignal;
  /**
   * "fields-and-responses" leaves metadata, suggestions and vectors in the database (records
   * carry `{}`, `[]` and no vectors): what default and template tasks read, and parsing the
   * rest is most of a full read's cost.
   */
  parts?: "all" | "fields-and-responses";
}

/**
 * Every record of a dataset in sort order, for a full prepare: one binary COPY (one snapshot,
 * streamed with backpressure, no per-page queries and no driver-side column parsing).
 */
export async function* streamRecords(db: pg.Pool, datasetId: number, query: StreamQuery = {}): AsyncGenerator<BrowsedRecord> {
  if (!Number.isInteger(datasetId)) throw new Error("dataset id must be an integer");
  query.signal?.throwIfAborted();
  const annotators = await listAnnotators(db, datasetId);
  const userIds = new Map(annotators.map((a) => [a.id, a.userId]));
  const sort = query.sort ?? { by: "index", order: "asc" };
  const direction = sort.order === "desc" ? "DESC" : "ASC";
  const orderBy = sort.by === "index" ? `r.idx ${direction}` : `${metadataSortKey(sqlString(sort.by))} ${direction}, r.idx ${direction}`;
  const client = await db.connect();
  const records: BrowsedRecord[] = [];
  const reader = new BinaryCopyReader((buf, [idx, externalId, fields, metadata, vectors, responses, suggestions]) => {
    records.push(
      toRecord(
        {
          idx: int4Value(buf, idx)!,
          external_id: textValue(buf, externalId),
          fields: jsonValue(buf, fields) as RecordRow["fields"],
          metadata: jsonbValue(buf, metadata) as RecordRow["metadata"],
          vectors: jsonValue(buf, vectors) as RecordRow["vectors"],
          responses: jsonValue(buf, responses) as RecordRow["responses"],
          suggestions: jsonValue(buf, suggestions) as RecordRow["suggestions"],
        },
        userIds,
      ),
    );
  });
  let finished = false;
  try {
    // A dataset's records lie together in the table, in idx order: walking the primary key is
    // ~5× faster than the parallel scan and sort of the whole table that the default page cost
    // picks when other datasets share the table.
    await client.query("BEGIN READ ONLY");
    await client.query("SET LOCAL random_page_cost = 1.1");
    const columns = query.parts === "fields-and-responses" ? "r.idx, r.external_id, r.fields, '{}'::jsonb, NULL, r.responses, '[]'::json" : RECORD_COLUMNS;
    const stream = client.query(copyTo(`COPY (SELECT ${columns} FROM record r WHERE r.dataset_id = ${datasetId} ORDER BY ${orderBy}) TO STDOUT (FORMAT binary)`));
    for await (const chunk of stream) {
      query.signal?.throwIfAborted();
      reader.push(chunk as Buffer);
      yield* records;
      records.length = 0;
    }
    query.signal?.throwIfAborted();
    reader.end();
    await client.query("COMMIT");
    finished = true;
  } finally {
    // A consumer that stops early leaves the COPY mid-stream: that connection is closed, not reused.
    client.release(finished ? undefined : new Error("record stream abandoned"));
  }
}

/** One field's text of every record of a dataset, by idx, read in one pass. */
export async function readFieldTexts(db: pg.Pool, datasetId: number, field: string, signal?: AbortSignal): Promise<(string | undefined)[]> {
  if (!Number.isInteger(datasetId)) throw new Error("dataset id must be an integer");
  const texts: (string | undefined)[] = [];
  await copyRowsOut(
    db,
    `SELECT r.idx, r.fields ->> ${sqlString(field)} FROM record r WHERE r.dataset_id = ${datasetId} ORDER BY r.idx`,
    (buf, [idx, text]) => {
      texts[buf.readInt32BE(idx![0])] = textValue(buf, text) ?? undefined;
    },
    signal,
  );
  return texts;
}

/** Specific records (a random sample, a drop reason's records), in index order. */
export async function listRecordsByIndexes(db: pg.Pool, datasetId: number, indexes: number[]): Promise<BrowsedRecord[]> {
  if (indexes.length === 0) return [];
  const [{ rows }, annotators] = await Promise.all([
    db.query<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM record r WHERE r.dataset_id = $1 AND r.idx = ANY($2::int[]) ORDER BY r.idx`, [datasetId, indexes]),
    listAnnotators(db, datasetId),
  ]);
  const userIds = new Map(annotators.map((a) => [a.id, a.userId]));
  return rows.map((row) => toRecord(row, userIds));
}
