/**
 * Streams the rows of a Parquet export file (what `push_to_huggingface` uploads) in slices of a
 * few thousand rows, so memory stays bounded whatever the row-group size (pyarrow, which
 * `datasets` writes with, makes row groups of up to 1M rows).
 *
 * Why not hyparquet's row API: `parquetReadObjects` decodes whole column chunks (with
 * rowStart/rowEnd it still starts at a chunk's first page, and nested columns always run to the
 * last page), so reading a big row group slice by slice through it would be quadratic, and one
 * call per group holds the whole group. So each leaf column of a row group gets a cursor that
 * fetches its chunk a window at a time and decodes one page at a time with hyparquet's page
 * decoders (decompression, encodings, dictionary, definition/repetition levels); a slice takes
 * the next rows' levels and values from every leaf and assembles them into row values.
 * Memory holds, per leaf column, one fetch window (≤ 1 MiB unless a page is larger) and one
 * decoded page, plus the rows of one slice.
 *
 * Assembly gives the shapes hyparquet's `parquetReadObjects` gives (rows.ts reads those):
 * list<struct> → array of objects (1.14+ responses), struct → object (suggestion metadata),
 * struct of lists → object of arrays (ranking/span values, 1.13 responses); a null list or
 * struct → undefined, an empty list → [], a null value → null. Columns made of plain values,
 * structs and three-level LIST-annotated lists (every column Argilla/`datasets` writes) are
 * assembled directly from the levels; any other shape (maps, variants, bare repeated fields,
 * two-level lists) goes through hyparquet's own assembleLists/assembleNested, slice by slice. INT64 values, which hyparquet
 * decodes as BigInt, come out as Numbers.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetSchema } from "hyparquet";
import type { AsyncBuffer, ColumnMetaData, DecodedArray, FileMetaData, SchemaTree } from "hyparquet";
import { assembleLists, assembleNested } from "hyparquet/src/assemble.js";
import { parquetHeader, readPage } from "hyparquet/src/column.js";
import { convert, convertWithDictionary, DEFAULT_PARSERS } from "hyparquet/src/convert.js";
import { decompressPage, readDataPage, readDataPageV2 } from "hyparquet/src/datapage.js";
import { getMaxDefinitionLevel, getMaxRepetitionLevel, getTreePath, isListLike } from "hyparquet/src/schema.js";
import { ImportError } from "./errors";

type ColumnDecoder = Parameters<typeof readPage>[2];
type PageHeader = ReturnType<typeof parquetHeader>;

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

export interface ParquetReadOptions {
  /** Rows decoded and handed out at a time (default 2048). */
  sliceRows?: number;
  /** Bytes of a column chunk fetched at a time (default 1 MiB; more when one page is larger). */
  windowBytes?: number;
}

const DEFAULT_SLICE_ROWS = 2048;
const DEFAULT_WINDOW_BYTES = 1 << 20;

/** Open a Parquet file (reads only its footer). `file` names it in errors. */
export async function openParquetFile(filePath: string, file: string, options: ParquetReadOptions = {}): Promise<ParquetRowSource> {
  let buffer: AsyncBuffer;
  let metadata: FileMetaData;
  try {
    buffer = await asyncBufferFromFile(filePath);
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw new ImportError({ file, problem: `not a readable Parquet file (${(error as Error).message})`, cause: error });
  }
  const totalRows = Number(metadata.num_rows);
  const sliceRows = Math.max(1, Math.floor(options.sliceRows ?? DEFAULT_SLICE_ROWS));
  const windowBytes = Math.max(1024, options.windowBytes ?? DEFAULT_WINDOW_BYTES);
  const schema = parquetSchema(metadata);
  const repeated = repeatedColumn(schema);
  if (repeated !== undefined) {
    // Row assembly keys columns by name: a second column of the same name would read the first one's values.
    throw new ImportError({ file, column: repeated, problem: "the file's schema has two columns of this name" });
  }

  async function* rows(): AsyncGenerator<ParquetRow> {
    if (totalRows === 0) throw new ImportError({ file, problem: "no records (the file has no rows)" });
    let groupStart = 0;
    for (const [groupIndex, group] of metadata.row_groups.entries()) {
      const groupRows = Number(group.num_rows);
      const groupEnd = groupStart + groupRows;
      let sliceStart = groupStart;
      const fail = (error: unknown): ImportError =>
        new ImportError({
          file,
          row: sliceStart + 1,
          problem: `cannot read row group ${groupIndex + 1} (rows ${groupStart + 1}–${groupEnd}): ${(error as Error).message}`,
          cause: error,
        });

      let reader: RowGroupReader;
      try {
        reader = new RowGroupReader(buffer, schema, group.columns.map((chunk) => chunk.meta_data), groupRows, windowBytes);
      } catch (error) {
        throw fail(error);
      }
      while (sliceStart < groupEnd) {
        const count = Math.min(sliceRows, groupEnd - sliceStart);
        let values: Record<string, unknown>[];
        try {
          values = await reader.next(count);
        } catch (error) {
          throw fail(error);
        }
        for (let i = 0; i < count; i++) yield { row: sliceStart + i + 1, value: values[i]! };
        sliceStart += count;
      }
      groupStart = groupEnd;
    }
  }

  return { totalRows, rows };
}

/** Convenience: iterate a Parquet file's rows. */
export async function* readParquetRows(filePath: string, file: string, options?: ParquetReadOptions): AsyncGenerator<ParquetRow> {
  const source = await openParquetFile(filePath, file, options);
  yield* source.rows();
}

/** The dotted path of the first column whose name repeats among its siblings, if any. */
function repeatedColumn(node: SchemaTree): string | undefined {
  const names = new Set<string>();
  for (const child of node.children) {
    if (names.has(child.element.name)) return child.path.join(".");
    names.add(child.element.name);
    const inner = repeatedColumn(child);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Row groups and slices

/** Levels and values of a leaf column, as a page decodes them and a slice reads them. */
interface LevelsAndValues {
  /** Definition levels; null when every entry is defined (= maxDef). */
  def: ArrayLike<number> | null;
  /** Repetition levels; null for a column that is not repeated (every entry starts a row). */
  rep: ArrayLike<number> | null;
  /** Values, or indexes into `dictionary` when that is set. */
  values: ArrayLike<unknown>;
  dictionary: ArrayLike<unknown> | null;
}

/**
 * The levels and values of one leaf column for the rows of the current slice: entries
 * [i, end) of `def`/`rep` and values from `vi` on. Readers advance `i` and `vi` as they consume.
 */
interface LeafSlice extends LevelsAndValues {
  i: number;
  end: number;
  vi: number;
  vend: number;
  readonly maxDef: number;
}

/** Reads one value of a schema node for the current row (its parent being defined). */
type NodeReader = () => unknown;

/** Hands out the rows of one row group, `count` at a time, as objects keyed by top-level column. */
class RowGroupReader {
  private readonly names: string[] = [];
  private readonly readers: NodeReader[] = [];
  private readonly cursors: ColumnCursor[] = [];
  /** Top-level columns hyparquet's assembly handles (shapes the direct readers do not cover). */
  private readonly generic: { tree: SchemaTree; leaves: ColumnCursor[]; rows: DecodedArray; next: number }[] = [];

  constructor(buffer: AsyncBuffer, schema: SchemaTree, chunks: (ColumnMetaData | undefined)[], groupRows: number, windowBytes: number) {
    const byPath = new Map<string, ColumnCursor>();
    for (const meta of chunks) {
      if (!meta) throw new Error("column metadata is missing");
      const cursor = new ColumnCursor(buffer, schema, meta, groupRows, windowBytes);
      byPath.set(cursor.path, cursor);
    }
    const leafOf = (node: SchemaTree): ColumnCursor => {
      const cursor = byPath.get(node.path.join("."));
      if (!cursor) throw new Error(`no column chunk for ${node.path.join(".")}`);
      return cursor;
    };
    for (const tree of schema.children) {
      this.names.push(tree.element.name);
      const leaves = leafNodes(tree).map(leafOf);
      this.cursors.push(...leaves);
      if (isDirectlyReadable(tree)) {
        this.readers.push(compileReader([schema, tree], (node) => leafOf(node).slice));
      } else {
        const column = { tree, leaves, rows: [] as DecodedArray, next: 0 };
        this.generic.push(column);
        this.readers.push(() => column.rows[column.next++]);
      }
    }
  }

  async next(count: number): Promise<Record<string, unknown>[]> {
    for (const cursor of this.cursors) await cursor.take(count);
    for (const column of this.generic) {
      const subcolumnData = new Map<string, DecodedArray>();
      for (const leaf of column.leaves) subcolumnData.set(leaf.path, leaf.assembleSlice());
      assembleNested(subcolumnData, column.tree, DEFAULT_PARSERS);
      const rows = subcolumnData.get(column.tree.element.name);
      if (!rows || rows.length !== count) throw new Error(`column ${column.tree.element.name} was not assembled`);
      column.rows = rows;
      column.next = 0;
    }

    const { names, readers } = this;
    const rows: Record<string, unknown>[] = new Array(count);
    for (let r = 0; r < count; r++) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < readers.length; c++) row[names[c]!] = readers[c]!();
      rows[r] = row;
    }
    for (const cursor of this.cursors) cursor.checkConsumed();
    return rows;
  }
}

/** Levels (small numbers, decoded into a plain Array: 8 bytes each) as bytes where they fit. */
function compactLevels(levels: ArrayLike<number>, maxLevel: number): ArrayLike<number> {
  return maxLevel < 256 ? Uint8Array.from(levels) : levels;
}

/** Dictionary indexes in the smallest typed array that holds them. */
function compactIndexes(indexes: ArrayLike<number>, dictionarySize: number): ArrayLike<number> {
  if (indexes instanceof Uint8Array || indexes instanceof Uint16Array || indexes instanceof Uint32Array) return indexes;
  if (dictionarySize <= 256) return Uint8Array.from(indexes);
  if (dictionarySize <= 65536) return Uint16Array.from(indexes);
  return Uint32Array.from(indexes);
}

function leafNodes(node: SchemaTree): SchemaTree[] {
  if (node.children.length === 0) return [node];
  return node.children.flatMap(leafNodes);
}

/** The element of a three-level LIST node (`<list> { repeated group list { <element> } }`). */
function listElement(node: SchemaTree): SchemaTree {
  return node.children[0]!.children[0]!;
}

/**
 * Plain values, structs, and standard three-level LIST-annotated lists of those. Not: maps,
 * variants, bare repeated fields, two-level (legacy) lists; hyparquet's assembly reads those.
 */
function isDirectlyReadable(node: SchemaTree): boolean {
  const { element } = node;
  if (element.repetition_type === "REPEATED") return false;
  if (element.logical_type?.type === "VARIANT" || element.converted_type === "MAP" || element.converted_type === "MAP_KEY_VALUE") return false;
  if (node.children.length === 0) return true;
  if (element.converted_type === "LIST") {
    if (!isListLike(node) || node.children[0]!.children.length !== 1) return false;
    return isDirectlyReadable(listElement(node));
  }
  return node.children.every(isDirectlyReadable);
}

/**
 * Compiles a reader for one value of `node`, given that its parent is defined. Dremel rules: an
 * entry of a leaf whose definition level is below a node's own level is that node being null (or
 * its list being empty), and takes exactly one entry in every leaf below the node; a list goes on
 * while the next entry repeats at the list's repetition level.
 */
function compileReader(path: SchemaTree[], sliceOf: (leaf: SchemaTree) => LeafSlice): NodeReader {
  const node = path[path.length - 1]!;
  const defLevel = getMaxDefinitionLevel(path);
  const optional = node.element.repetition_type === "OPTIONAL";
  const leaves = leafNodes(node).map(sliceOf);
  const first = leaves[0]!;
  const skip = (): void => {
    for (const leaf of leaves) leaf.i++;
  };

  if (node.children.length === 0) {
    const leaf = first;
    return () => {
      const def = leaf.def === null ? defLevel : leaf.def[leaf.i]!;
      leaf.i++;
      if (def !== defLevel) return null;
      const value = leaf.values[leaf.vi++];
      return leaf.dictionary === null ? value : leaf.dictionary[value as number];
    };
  }

  if (node.element.converted_type === "LIST") {
    const repeated = node.children[0]!;
    const repeatedPath = [...path, repeated];
    const repeatedDef = getMaxDefinitionLevel(repeatedPath);
    const repeatedRep = getMaxRepetitionLevel(repeatedPath);
    const readItem = compileReader([...repeatedPath, listElement(node)], sliceOf);
    return () => {
      const def = first.def === null ? first.maxDef : first.def[first.i]!;
      if (def < repeatedDef) {
        skip();
        return optional && def < defLevel ? undefined : [];
      }
      const items: unknown[] = [];
      do items.push(readItem());
      while (first.i < first.end && first.rep![first.i] === repeatedRep);
      return items;
    };
  }

  const names = node.children.map((child) => child.element.name);
  const readers = node.children.map((child) => compileReader([...path, child], sliceOf));
  return () => {
    if (optional) {
      const def = first.def === null ? first.maxDef : first.def[first.i]!;
      if (def < defLevel) {
        skip();
        return undefined;
      }
    }
    const value: Record<string, unknown> = {};
    for (let k = 0; k < readers.length; k++) value[names[k]!] = readers[k]!();
    return value;
  };
}

// ---------------------------------------------------------------------------------------------
// Column chunks, page by page

/**
 * A decoded data page: `count` entries of levels, and the values of the defined ones. Kept
 * compact, since one page can hold hundreds of thousands of rows of a low-entropy column: levels
 * in typed arrays, dictionary-encoded values as indexes.
 */
interface DecodedPage extends LevelsAndValues {
  count: number;
}

/** One leaf column chunk of a row group, read a window and decoded a page at a time. */
class ColumnCursor {
  readonly path: string;
  /** The current slice's entries, filled by take(). */
  readonly slice: LeafSlice;
  private readonly decoder: ColumnDecoder;
  private readonly schemaPath: SchemaTree[];
  private readonly maxDef: number;
  private readonly maxRep: number;
  private readonly repeated: boolean;
  private readonly int64: boolean;
  private readonly end: number;
  /** File offset of the next page header. */
  private position: number;
  /** Fetched bytes [windowStart, windowStart + window.byteLength) of the chunk. */
  private window = new Uint8Array(0);
  private windowStart = 0;
  private dictionary: DecodedArray | undefined;
  private page: DecodedPage | null = null;
  /** Next entry and next value of `page`. */
  private entry = 0;
  private value = 0;
  private rowsLeft: number;

  constructor(
    private readonly buffer: AsyncBuffer,
    schema: SchemaTree,
    meta: ColumnMetaData,
    groupRows: number,
    private readonly windowBytes: number,
  ) {
    this.path = meta.path_in_schema.join(".");
    this.schemaPath = getTreePath(schema, meta.path_in_schema);
    const leaf = this.schemaPath[this.schemaPath.length - 1]!;
    if (leaf.children.length) throw new Error(`column chunk ${this.path} is not a leaf column`);
    this.decoder = { pathInSchema: meta.path_in_schema, type: meta.type, element: leaf.element, schemaPath: this.schemaPath, codec: meta.codec, parsers: DEFAULT_PARSERS };
    this.maxDef = getMaxDefinitionLevel(this.schemaPath);
    this.maxRep = getMaxRepetitionLevel(this.schemaPath);
    this.repeated = this.maxRep > 0;
    this.int64 = meta.type === "INT64";
    this.position = Number(meta.dictionary_page_offset || meta.data_page_offset);
    this.end = this.position + Number(meta.total_compressed_size);
    if (this.end > buffer.byteLength) throw new Error(`column ${this.path} runs past the end of the file`);
    this.rowsLeft = groupRows;
    this.slice = { def: null, rep: null, values: [], dictionary: null, i: 0, end: 0, vi: 0, vend: 0, maxDef: this.maxDef };
  }

  /** Points `slice` at the entries of the next `count` rows. */
  async take(count: number): Promise<void> {
    if (count > this.rowsLeft) throw new Error(`column ${this.path}: asked for ${count} rows, ${this.rowsLeft} left`);
    const pieces: { page: DecodedPage; from: number; to: number; valueFrom: number; valueTo: number }[] = [];
    let rowsToStart = count;
    for (;;) {
      if (this.page === null || this.entry >= this.page.count) {
        if (!(await this.nextDataPage())) break;
      }
      const page = this.page!;
      const { def, rep, count: entries } = page;
      const from = this.entry;
      const valueFrom = this.value;
      let e = from;
      let v = valueFrom;
      let done = false;
      if (rep === null) {
        const n = Math.min(rowsToStart, entries - from);
        if (def === null) v += n;
        else for (let k = from; k < from + n; k++) if (def[k] === this.maxDef) v++;
        e += n;
        rowsToStart -= n;
        done = rowsToStart === 0;
      } else {
        if (pieces.length === 0 && rep[e] !== 0) throw new Error(`column ${this.path}: a row does not start where the previous one ended`);
        for (; e < entries; e++) {
          if (rep[e] === 0) {
            if (rowsToStart === 0) {
              done = true;
              break;
            }
            rowsToStart--;
          }
          if (def === null || def[e] === this.maxDef) v++;
        }
      }
      if (e > from) pieces.push({ page, from, to: e, valueFrom, valueTo: v });
      this.entry = e;
      this.value = v;
      if (done) break;
    }
    if (rowsToStart !== 0) throw new Error(`column ${this.path} has fewer rows than its row group`);
    this.rowsLeft -= count;

    const slice = this.slice;
    if (pieces.length === 1) {
      const { page, from, to, valueFrom, valueTo } = pieces[0]!;
      slice.def = page.def;
      slice.rep = page.rep;
      slice.values = page.values;
      slice.dictionary = page.dictionary;
      slice.i = from;
      slice.end = to;
      slice.vi = valueFrom;
      slice.vend = valueTo;
      return;
    }
    // The rows cross a page boundary: copy the entries into one run.
    const anyDef = pieces.some((p) => p.page.def !== null);
    const def: number[] | null = anyDef ? [] : null;
    const rep: number[] | null = this.repeated ? [] : null;
    const values: unknown[] = [];
    for (const { page, from, to, valueFrom, valueTo } of pieces) {
      for (let k = from; k < to; k++) {
        if (def) def.push(page.def === null ? this.maxDef : page.def[k]!);
        if (rep) rep.push(page.rep![k]!);
      }
      const dictionary = page.dictionary;
      for (let k = valueFrom; k < valueTo; k++) values.push(dictionary === null ? page.values[k] : dictionary[page.values[k] as number]);
    }
    slice.def = def;
    slice.rep = rep;
    slice.values = values;
    slice.dictionary = null;
    slice.i = 0;
    slice.end = rep ? rep.length : def ? def.length : values.length;
    slice.vi = 0;
    slice.vend = values.length;
  }

  /** The slice's rows assembled by hyparquet (nested arrays per row), consuming the slice. */
  assembleSlice(): DecodedArray {
    const { def, rep, values, dictionary, i, end, vi, vend } = this.slice;
    const defs = def === null ? [] : Array.from({ length: end - i }, (_, k) => def[i + k]!);
    const reps = rep === null ? [] : Array.from({ length: end - i }, (_, k) => rep[i + k]!);
    const vals = Array.from({ length: vend - vi }, (_, k) => (dictionary === null ? values[vi + k] : dictionary[values[vi + k] as number]));
    this.slice.i = end;
    this.slice.vi = vend;
    return assembleLists([], defs, reps, vals, this.schemaPath);
  }

  /** After a slice: every entry and value handed out must have been read, else the levels were inconsistent. */
  checkConsumed(): void {
    const { i, end, vi, vend } = this.slice;
    if (i !== end || vi !== vend) throw new Error(`column ${this.path}: definition/repetition levels do not match the schema`);
  }

  /** Decodes the next data page into `page` (reading a dictionary page first if one comes); false at the end of the chunk. */
  private async nextDataPage(): Promise<boolean> {
    while (this.position < this.end) {
      const { header, reader } = await this.readPageBytes();
      const { codec } = this.decoder;
      if (header.type === "DICTIONARY_PAGE") {
        const { data } = readPage(reader, header, this.decoder, undefined, undefined, 0);
        if (data) this.dictionary = this.numbers(convert(data, this.decoder));
        continue;
      }
      const bytes = new Uint8Array(reader.view.buffer, reader.view.byteOffset, header.compressed_page_size);
      let levels: { definitionLevels: ArrayLike<number> | undefined; repetitionLevels: ArrayLike<number>; dataPage: DecodedArray };
      let count: number;
      let encoding: Parameters<typeof convertWithDictionary>[2];
      if (header.type === "DATA_PAGE") {
        const daph = header.data_page_header;
        if (!daph) throw new Error("data page header is missing");
        const page = decompressPage(bytes, Number(header.uncompressed_page_size), codec, undefined);
        levels = readDataPage(page, daph, this.decoder);
        count = daph.num_values;
        encoding = daph.encoding;
      } else if (header.type === "DATA_PAGE_V2") {
        const daph2 = header.data_page_header_v2;
        if (!daph2) throw new Error("data page header v2 is missing");
        levels = readDataPageV2(bytes, header, this.decoder);
        count = daph2.num_values;
        encoding = daph2.encoding;
      } else {
        readPage(reader, header, this.decoder, this.dictionary, undefined, 0); // throws for unsupported page types
        continue;
      }
      if (count === 0) continue;
      const def = levels.definitionLevels?.length ? compactLevels(levels.definitionLevels, this.maxDef) : null;
      const rep = this.repeated ? compactLevels(levels.repetitionLevels, this.maxRep) : null;
      if ((def && def.length !== count) || (rep && rep.length !== count)) throw new Error(`column ${this.path}: page levels do not match its value count`);
      let values: ArrayLike<unknown>;
      let dictionary: ArrayLike<unknown> | null = null;
      if (this.dictionary && encoding.endsWith("_DICTIONARY")) {
        values = compactIndexes(levels.dataPage as ArrayLike<number>, this.dictionary.length);
        dictionary = this.dictionary;
      } else {
        values = this.numbers(convertWithDictionary(levels.dataPage, this.dictionary, encoding, this.decoder));
      }
      this.page = { def, rep, values, dictionary, count };
      this.entry = 0;
      this.value = 0;
      return true;
    }
    this.page = null;
    return false;
  }

  /** INT64 (BigInt) values as Numbers. */
  private numbers(values: DecodedArray): DecodedArray {
    if (!this.int64) return values;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) return Array.from(values, Number);
    if (Array.isArray(values)) for (let k = 0; k < values.length; k++) if (typeof values[k] === "bigint") values[k] = Number(values[k]);
    return values;
  }

  /** Fetches the next page's header and bytes; `reader` starts at the page data. Advances `position` past the page. */
  private async readPageBytes(): Promise<{ header: PageHeader; reader: { view: DataView; offset: number } }> {
    // The header is thrift of unknown length: fetch more until it parses.
    let headerBytes = Math.min(64 * 1024, this.end - this.position);
    let header: PageHeader;
    let dataStart: number;
    for (;;) {
      await this.fetch(headerBytes);
      const reader = this.readerAt(this.position);
      try {
        header = parquetHeader(reader);
        dataStart = this.position + reader.offset;
        break;
      } catch (error) {
        // Reading past the fetched bytes throws a RangeError; with the rest of the chunk fetched it is a real error.
        if (!(error instanceof RangeError) || this.position + headerBytes >= this.end) throw error;
        headerBytes = Math.min(headerBytes * 4, this.end - this.position);
      }
    }
    const pageEnd = dataStart + header.compressed_page_size;
    if (pageEnd > this.end) throw new Error(`column ${this.path}: page runs past the end of its column chunk`);
    await this.fetch(pageEnd - this.position);
    const reader = this.readerAt(dataStart);
    this.position = pageEnd;
    return { header, reader };
  }

  /** Makes bytes [position, position + length) available in the window. */
  private async fetch(length: number): Promise<void> {
    const windowEnd = this.windowStart + this.window.byteLength;
    if (this.position >= this.windowStart && this.position + length <= windowEnd) return;
    const end = Math.min(this.end, this.position + Math.max(length, this.windowBytes));
    this.window = new Uint8Array(await this.buffer.slice(this.position, end));
    this.windowStart = this.position;
    if (this.window.byteLength < end - this.position) throw new Error(`column ${this.path}: file ended early`);
  }

  /** A reader over the window from file offset `offset` to the window's end (so reading past it throws). */
  private readerAt(offset: number): { view: DataView; offset: number } {
    const start = offset - this.windowStart;
    return { view: new DataView(this.window.buffer, this.window.byteOffset + start, this.window.byteLength - start), offset: 0 };
  }
}
