/**
 * A default text-classification prepare, and its full-dataset diagnostics, from record digests
 * (server/feedback/record-digest.ts, written at import): per record its response statuses, the
 * text's 53-bit key and length, and the submitted answers to the label question as option
 * positions. Unification (unifyAnswers, seeded ties), drops, duplicate removal, label ids and the
 * split (splitRows) are those of prepareForTraining, run on these instead of on parsed records:
 * ~1 µs a record instead of ~10. The prepared rows are then built from the one field's texts
 * (`prepared`); the diagnostics need no text but the few examples' (`report`, then its report(textOf)).
 * Both equal what prepareForTraining and diagnosePrepared give (tested).
 *
 * Texts are told apart by their keys. `prepared` checks every text that repeats a key against the
 * first one and refuses a collision (IrregularDigestError: the caller reads the records). The
 * report does not read texts: among a million distinct texts, a collision, which would merge two
 * inputs in its counts, has a chance of about 1 in 18,000.
 */
import { lengthHistogram, MAX_EXAMPLES, preparedReport, type DiagnosticsReport } from "../../training/diagnostics";
import { PrepareError } from "../../training/errors";
import { createPlan } from "../../training/pipeline";
import { createPrepareTally, splitPrepared, type PreparedData, type PreparedMeta, type PrepareInput } from "../../training/prepare-for-training";
import type { Framework, Row, RowContext } from "../../training/frameworks/types";
import { randomIndex, derivedRng } from "../../training/random";
import { resolveSplitSizes } from "../../training/split";
import type { TrainingTask } from "../../training/tasks/schema";
import { labelNames } from "../../training/tasks/text-classification";
import { DEFAULT_STRATEGY, unifyAnswers, type UnificationStrategy } from "../../training/unify";
import { questionOptions, type DatasetSettings, type QuestionSettings, type ResponseValue } from "../../feedback/schema";
import { HAS_RESPONSE, isDigestQuestion, STATUS_BITS, type RecordDigest } from "../../feedback/record-digest";

/** Frameworks whose classification rows are {text, label id(s)} or spaCy's cats, with no split check. */
const DIGEST_FRAMEWORKS: readonly Framework[] = ["transformers", "peft", "setfit", "spacy", "spacy-transformers"];

export interface DigestPrepareInput extends Omit<PrepareInput, "records" | "sandbox"> {
  /** How many records will be added (the dataset's record count): sizes the table of texts. */
  recordCount: number;
}

/**
 * Where the digest holds what the task reads: a default text-classification task on a label or
 * rating question, prepared for a framework above. Null when the digest cannot serve it.
 */
export function digestPositions(settings: DatasetSettings, task: TrainingTask, framework: Framework): { field: number; question: number } | null {
  if (task.task !== "text_classification" || task.mode !== "default" || !DIGEST_FRAMEWORKS.includes(framework)) return null;
  const field = settings.fields.findIndex((f) => f.name === task.text);
  const question = settings.questions.findIndex((q) => q.name === task.label);
  if (field < 0 || question < 0 || !isDigestQuestion(settings.questions[question]!)) return null;
  return { field, question };
}

/** A digest that cannot stand for its record (a value that is no option or no text, a key shared by two texts): read the records. */
export class IrregularDigestError extends Error {
  constructor(idx: number) {
    super(`record ${idx}: its digest cannot stand for it`);
    this.name = "IrregularDigestError";
  }
}

export interface DigestReport {
  meta: PreparedMeta;
  /** The records whose texts the report's examples show: read them, then take the report. */
  exampleRecords: number[];
  report(textOf: (idx: number) => string): DiagnosticsReport;
}

export interface DigestPrepare {
  /** Adds the next record in idx order (the digest object may be reused by the caller). */
  add(digest: RecordDigest): void;
  /** The diagnostics. Throws PrepareError when no record gives a row, as prepareForTraining does. */
  report(): DigestReport;
  /**
   * What prepareForTraining returns for these records, built from their texts. Throws
   * IrregularDigestError when two different texts share a key (their rows would be wrong).
   */
  prepared(textOf: (idx: number) => string): PreparedData;
}

export async function createDigestPrepare(input: DigestPrepareInput): Promise<DigestPrepare> {
  const { settings, task, framework } = input;
  const positions = digestPositions(settings, task, framework);
  if (!positions || task.task !== "text_classification" || task.mode !== "default") throw new Error(`the digest cannot serve ${task.task} for ${framework}`);
  const sizes = resolveSplitSizes(input.trainSize, input.testSize);
  const maxRecords = input.maxRecords;
  if (maxRecords !== undefined && (!Number.isInteger(maxRecords) || maxRecords < 0)) {
    throw new PrepareError(`max_records must be a non-negative integer, got ${maxRecords}`);
  }
  // The plan validates the task exactly as a prepare does and gives the label set and adapter.
  const plan = await createPlan({ settings, task, framework, frameworkOptions: input.frameworkOptions });
  plan.dispose();
  const labels = plan.labelSpace(() => [])!;
  const ctx: RowContext = { labels, options: plan.options };
  const question = settings.questions[positions.question]! as QuestionSettings;
  const strategy: UnificationStrategy = task.label_strategy ?? DEFAULT_STRATEGY[question.type as keyof typeof DEFAULT_STRATEGY];
  const optionValues = questionOptions(question) as ResponseValue[];
  const tieKey = `\u0000${question.name}`;

  // What a framework row of each label id gives: its stratification key and its view (label names, text column).
  const byLabelId = labels.names.map((name) => {
    const row = plan.adapter.toRow({ text: "", label: name }, "", ctx) as Row;
    const view = plan.adapter.view(row, ctx);
    return { stratifyKey: plan.adapter.stratifyKey?.(row) ?? "", viewLabels: view.labels ?? [], column: view.texts[0]![0] };
  });

  const statusFilter = input.filterBy?.responseStatus;
  const statusMask = (statusFilter ?? []).reduce((mask, s) => mask | (s === "pending" ? 0 : STATUS_BITS[s]), 0);
  const pendingMatches = statusFilter?.includes("pending") ?? false;

  const tally = createPrepareTally();
  const { counts, noteDrop } = tally;
  let accepted = 0;
  const keys = new KeyTable(input.recordCount);
  /** Label name → label code (dedup compares codes) and its id in the label set (-1: invalid_label). */
  const labelCodes = new Map<string, number>();
  const labelIdOfCode: number[] = [];
  const rows = new RowColumns();
  /** Pairs (record idx, idx of the first record with the same text key), for prepared(). */
  const repeats: number[] = [];
  // Unification depends on the answers alone unless it breaks a tie (seeded by the record): the
  // label codes of each untied answer sequence are kept, keyed by the sequence as a number.
  const unified = new Map<number, readonly number[]>();
  const base = optionValues.length + 1;
  let tied = false;

  function labelsOf(idx: number, options: readonly number[]): readonly number[] {
    let key = 1;
    for (const option of options) key = key * base + option + 1;
    const memoizable = key < 2 ** 31;
    const known = memoizable ? unified.get(key) : undefined;
    if (known) return known;
    tied = false;
    const values = unifyAnswers(
      question,
      strategy,
      options.map((option) => optionValues[option]!),
      (count) => {
        tied = true;
        return randomIndex(derivedRng(task.seed, `${idx}${tieKey}`), count);
      },
    );
    const codes: number[] = [];
    // An empty answer is a missing one (the template's isMissing).
    for (const value of values) if (value !== "" && !(Array.isArray(value) && value.length === 0)) codes.push(labelCode(labelNames(value) as string));
    if (memoizable && !tied) unified.set(key, codes);
    return codes;
  }

  function labelCode(name: string): number {
    let code = labelCodes.get(name);
    if (code === undefined) {
      labelCodes.set(name, (code = labelIdOfCode.length));
      const id = labels.index.get(name);
      labelIdOfCode.push(id ?? -1);
    }
    return code;
  }

  /** The end of a prepare, on rows or on row numbers: no rows is an error, then the split and the meta. */
  function split<T>(items: T[], stratifyKey: ((item: T) => string) | undefined): { train: T[]; test: T[]; meta: PreparedMeta } {
    // Label and rating answers are single labels: a classification prepare's multiLabel is false.
    return splitPrepared(items, tally, { input: { framework, task, seed: input.seed }, sizes, labels, multiLabel: false, stratifyKey });
  }

  return {
    add(digest) {
      counts.records++;
      const { idx, statuses } = digest;
      if (statusFilter && statusFilter.length > 0) {
        const matches = (statuses & HAS_RESPONSE) === 0 ? pendingMatches : (statuses & statusMask) !== 0;
        if (!matches) return noteDrop("filtered_out", String(idx));
      }
      if (maxRecords !== undefined && accepted >= maxRecords) return noteDrop("over_max_records", String(idx));
      accepted++;
      if (digest.irregular) throw new IrregularDigestError(idx);
      // Each answer set renders the text slot first: a missing text drops the record whatever its answers.
      if (digest.textKey === null) return noteDrop("missing_field", String(idx));
      const kept = labelsOf(idx, digest.options);
      if (kept.length === 0) return noteDrop((statuses & STATUS_BITS.submitted) !== 0 ? "missing_response" : "no_submitted_responses", String(idx));
      // Duplicate removal (Argilla's drop_duplicates), then rows: an invalid label drops the
      // record only when none of its samples gives a row; one whose samples all repeat earlier
      // ones has no rows and no drop, as in prepareForTraining.
      const slot = keys.slot(digest.textKey, idx);
      // A text seen before: prepared() checks that the two texts are the same, not just their keys.
      const first = keys.firstRecord(slot);
      if (first !== idx) repeats.push(idx, first);
      let rowsAdded = 0;
      let invalid = false;
      for (let k = 0; k < kept.length; k++) {
        const code = kept[k]!;
        if (!keys.addLabel(slot, code)) {
          counts.duplicates++;
          continue;
        }
        const id = labelIdOfCode[code]!;
        if (id < 0) invalid = true;
        else {
          keys.addRow(slot, rows.push(slot, id, idx, digest.textLength, k, kept.length));
          rowsAdded++;
        }
      }
      if (rowsAdded === 0 && invalid) noteDrop("invalid_label", String(idx));
    },

    prepared(textOf) {
      for (let r = 0; r < repeats.length; r += 2) {
        if (textOf(repeats[r]!) !== textOf(repeats[r + 1]!)) throw new IrregularDigestError(repeats[r]!);
      }
      const built: Row[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const idx = rows.idx[i]!;
        const id = rows.samples[i] === 1 ? String(idx) : `${idx}#${rows.sample[i]}`;
        built[i] = plan.adapter.toRow({ text: textOf(idx), label: labels.names[rows.label[i]!]! }, id, ctx) as Row;
      }
      return split(built, plan.adapter.stratifyKey);
    },

    report() {
      const n = rows.length;
      const order = new Array<number>(n);
      for (let i = 0; i < n; i++) order[i] = i;
      const { train, test, meta } = split(order, (i) => byLabelId[rows.label[i]!]!.stratifyKey);

      // The report walks train rows, then test rows, as diagnosePrepared does.
      const rowsOfLabel = new Int32Array(labels.names.length);
      // Only texts with several rows (keys.shared: few) can conflict or leak; each is looked at
      // once, so the walk over a million rows stays sequential.
      const splitOf = new Uint8Array(n); // 0: in no split (train_size + test_size < 1), 1: train, 2: test
      for (const i of train) splitOf[i] = 1;
      for (const i of test) splitOf[i] = 2;
      const shared = new Map<number, { inSplits: number; inTrain: boolean; seen: boolean }>();
      for (const [slot, rowsOfText] of keys.shared) {
        const inSplits = rowsOfText.filter((i) => splitOf[i] !== 0).length;
        shared.set(slot, { inSplits, inTrain: rowsOfText.some((i) => splitOf[i] === 1), seen: false });
      }
      const conflicts: number[] = [];
      let conflictCount = 0;
      const leakage: number[] = [];
      let leaked = 0;
      for (const i of [...train, ...test]) {
        rowsOfLabel[rows.label[i]!]!++;
        const text = shared.get(rows.slot[i]!);
        if (!text) continue;
        // Rows of one text have different labels (duplicates are gone): two or more is a conflict.
        if (text.inSplits > 1 && !text.seen) {
          text.seen = true;
          conflictCount++;
          if (conflicts.length < MAX_EXAMPLES) conflicts.push(rows.idx[i]!);
        }
        if (splitOf[i] === 2 && text.inTrain) {
          leaked++;
          if (leakage.length < MAX_EXAMPLES) leakage.push(rows.idx[i]!);
        }
      }
      const labelCounts = new Map<string, number>();
      byLabelId.forEach(({ viewLabels }, id) => {
        for (const name of viewLabels) labelCounts.set(name, (labelCounts.get(name) ?? 0) + rowsOfLabel[id]!);
      });
      function* textLengths() {
        for (const i of train) yield rows.textLength[i]!;
        for (const i of test) yield rows.textLength[i]!;
      }
      const lengths = { [byLabelId[0]?.column ?? "text"]: lengthHistogram(textLengths()) };
      return {
        meta,
        exampleRecords: [...new Set([...conflicts, ...leakage])],
        report: (textOf) =>
          preparedReport(meta, {
            rows: { train: train.length, test: test.length },
            labels: labelCounts,
            labelNames: labels.names,
            lengths,
            // Default mode removed every exact duplicate before rows were built.
            duplicates: { rows: 0, texts: [] },
            conflicts: { inputs: conflictCount, texts: conflicts.map(textOf) },
            leakage: { rows: leaked, texts: leakage.map(textOf) },
          }),
      };
    },
  };
}

/**
 * An open-addressing table of text keys (non-negative integers below 2^53) → slot, with the label
 * codes seen for each key: a Map of a million number keys cost ~0.7 s here, this ~0.1 s.
 */
class KeyTable {
  private readonly capacity: number;
  private used = 0;
  /**
   * Per slot, side by side (one cache miss): its key (-1: empty), the first label code seen with
   * it, its first row (-1: none) and the first record with the key.
   */
  private readonly entries: Float64Array;
  /** Further label codes of a key (a conflict). */
  private readonly more = new Map<number, number[]>();
  /** The rows of each key that has several (by slot). */
  readonly shared = new Map<number, number[]>();

  /** Room for `maxKeys` keys at a load of at most one half; rows keep slots, so it never grows. */
  constructor(private readonly maxKeys: number) {
    this.capacity = 2 ** Math.ceil(Math.log2(Math.max(1024, 2 * maxKeys)));
    this.entries = new Float64Array(4 * this.capacity).fill(-1);
  }

  /** The key's slot, added (with `idx` as its first record) when new. */
  slot(key: number, idx: number): number {
    let at = this.home(key);
    while (true) {
      const k = this.entries[4 * at]!;
      if (k === key) return at;
      if (k === -1) {
        if (++this.used > this.maxKeys) throw new Error(`more than the ${this.maxKeys} records announced`);
        this.entries[4 * at] = key;
        this.entries[4 * at + 3] = idx;
        return at;
      }
      at = (at + 1) & (this.capacity - 1);
    }
  }

  firstRecord(slot: number): number {
    return this.entries[4 * slot + 3]!;
  }

  /** Records the label code for the slot's key; false when it was already seen with it. */
  addLabel(slot: number, code: number): boolean {
    const first = this.entries[4 * slot + 1]!;
    if (first === -1) {
      this.entries[4 * slot + 1] = code;
      return true;
    }
    if (first === code) return false;
    const others = this.more.get(slot);
    if (others?.includes(code)) return false;
    if (others) others.push(code);
    else this.more.set(slot, [code]);
    return true;
  }

  /** Notes that row `row` has the slot's key. */
  addRow(slot: number, row: number): void {
    const first = this.entries[4 * slot + 2]!;
    if (first === -1) this.entries[4 * slot + 2] = row;
    else {
      const rows = this.shared.get(slot);
      if (rows) rows.push(row);
      else this.shared.set(slot, [first, row]);
    }
  }

  private home(key: number): number {
    const low = key >>> 0;
    const high = (key / 4294967296) >>> 0;
    let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    return (Math.imul(h, 0xc2b2ae35) ^ (h >>> 16)) & (this.capacity - 1);
  }
}

/** Rows as columns: the text's slot, the label id, the record's idx, the text length, and the sample's place among its record's samples. */
class RowColumns {
  length = 0;
  slot = new Int32Array(1024);
  label = new Int32Array(1024);
  idx = new Int32Array(1024);
  textLength = new Int32Array(1024);
  sample = new Int32Array(1024);
  samples = new Int32Array(1024);

  /** Appends a row; returns its index. */
  push(slot: number, label: number, idx: number, textLength: number, sample: number, samples: number): number {
    if (this.length === this.slot.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.slot = grow(this.slot);
      this.label = grow(this.label);
      this.idx = grow(this.idx);
      this.textLength = grow(this.textLength);
      this.sample = grow(this.sample);
      this.samples = grow(this.samples);
    }
    const i = this.length++;
    this.slot[i] = slot;
    this.label[i] = label;
    this.idx[i] = idx;
    this.textLength[i] = textLength;
    this.sample[i] = sample;
    this.samples[i] = samples;
    return i;
  }
}
