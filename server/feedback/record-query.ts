/**
 * The records browser's view state: filters and sort. One zod schema serves the tRPC input, the
 * URL (so a view can be shared) and the CLI. Pure: no database here.
 */
import { z } from "zod";
import { RESPONSE_STATUSES, STATUS_FILTERS } from "./schema";

export const questionStatusFilterSchema = z.object({
  /** A question name; absent: any question. */
  question: z.string().optional(),
  /** pending: the record has no response (with a value for that question). */
  status: z.enum(STATUS_FILTERS),
});

export const recordFilterSchema = z.object({
  /** Annotator ids (per-dataset numbers, see the annotators list). Records with a response by any of them. */
  annotators: z.array(z.number().int().nonnegative()).max(100).optional(),
  /** Narrows `annotators` (or any annotator) to responses with this status. */
  annotatorStatus: z.enum(RESPONSE_STATUSES).optional(),
  questionStatus: z.array(questionStatusFilterSchema).max(20).optional(),
  /** true: any suggestion; a question name: a suggestion for that question; false: none. */
  suggestion: z.union([z.boolean(), z.string()]).optional(),
  metadataTerms: z.record(z.string(), z.array(z.string()).max(200)).optional(),
  metadataRange: z.record(z.string(), z.object({ min: z.number().optional(), max: z.number().optional() })).optional(),
  /** Full-text search over the field texts (words, "quoted phrases", -excluded). */
  search: z.string().max(500).optional(),
});
export type RecordFilter = z.infer<typeof recordFilterSchema>;

export const recordSortSchema = z.object({
  /** "index" (insertion order) or a metadata property name. */
  by: z.string().default("index"),
  order: z.enum(["asc", "desc"]).default("asc"),
});
export type RecordSort = z.infer<typeof recordSortSchema>;

/** Keyset cursor: the sort value and index of the last record of the previous page. */
export const recordCursorSchema = z.object({ index: z.number().int(), value: z.unknown().optional() });
export type RecordCursor = z.infer<typeof recordCursorSchema>;

const FILTER_PARAM = "filter";

/** View state <-> URL search params: compact JSON in one parameter, plus sort in two. */
export function viewToSearchParams(filter: RecordFilter, sort: RecordSort): URLSearchParams {
  const params = new URLSearchParams();
  const cleaned = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0) && v !== ""));
  if (Object.keys(cleaned).length) params.set(FILTER_PARAM, JSON.stringify(cleaned));
  if (sort.by !== "index") params.set("sort", sort.by);
  if (sort.order !== "asc") params.set("order", sort.order);
  return params;
}

export function viewFromSearchParams(params: URLSearchParams): { filter: RecordFilter; sort: RecordSort } {
  let filter: RecordFilter = {};
  const raw = params.get(FILTER_PARAM);
  if (raw) {
    try {
      const parsed = recordFilterSchema.safeParse(JSON.parse(raw));
      if (parsed.success) filter = parsed.data;
    } catch {
      // an edited or truncated URL: show the unfiltered view rather than an error page
    }
  }
  const sort = recordSortSchema.parse({ by: params.get("sort") ?? undefined, order: params.get("order") ?? undefined });
  return { filter, sort };
}
