/**
 * Samples travel into the sandbox in QuickJS's own binary serialisation ("bjson", what
 * JS_WriteObject writes and QuickJSContext.decodeBinaryJSON reads), not as JSON text.
 *
 * Why: per record, making a QuickJS string of the sample's JSON (quickjs-emscripten encodes it to
 * UTF-8 in a JavaScript loop) and QuickJS's JSON.parse of it cost ~30 µs of the ~45 µs a record
 * took; decoding the same sample from bjson, in C, with each key interned once per batch and each
 * string copied as bytes, costs ~8 µs.
 *
 * The encoder writes exactly what QuickJS's JSON.parse would have built from JSON.stringify(sample)
 * (key order, undefined and functions left out or null in arrays, non-finite numbers as null,
 * integers as int32), so the function sees the same values as before. A value JSON.stringify
 * would treat specially (toJSON, a non-plain object, a BigInt, a cycle) makes its record go
 * through JSON.parse(JSON.stringify(sample)) first. sample-encoding.test.ts compares the bytes
 * with QuickJS's own encoder.
 *
 * Layout: the main thread encodes every record's body against one table of keys (atoms) per
 * batch; the worker wraps any run of consecutive records into one document
 * (version, atoms, an array of the bodies) and decodes it with one call.
 */

/** JS_WriteObject's format version in the QuickJS build we ship (checked by the test). */
const BC_VERSION = 5;
const TAG_NULL = 1;
const TAG_FALSE = 3;
const TAG_TRUE = 4;
const TAG_INT32 = 5;
const TAG_FLOAT64 = 6;
const TAG_STRING = 7;
const TAG_OBJECT = 8;
const TAG_ARRAY = 9;

/** Deeper than any real sample; beyond it (or a cycle) the record goes through JSON first. */
const MAX_DEPTH = 200;

export interface EncodedSamples {
  /** The keys the bodies refer to, in table order. */
  atoms: string[];
  /** Every record's body, back to back. */
  bytes: Uint8Array;
  /** Record i's body is bytes[offsets[i], offsets[i + 1]). */
  offsets: number[];
}

class NotPlainJson extends Error {}

const OBJECT_PROTOTYPE = Object.prototype;
const LATIN1 = /^[\u0000-\u00ff]*$/;
/** Strings up to this long are copied in JavaScript; longer ones by Buffer.write. */
const SHORT_STRING = 48;

class Writer {
  length = 0;

  constructor(public buffer: Buffer = Buffer.allocUnsafe(64 * 1024)) {}

  reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  leb128(value: number): void {
    this.reserve(5);
    while (value >= 0x80) {
      this.buffer[this.length++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buffer[this.length++] = value;
  }

  /** JS_WriteString: length << 1 | wide, then latin-1 bytes or UTF-16LE units. */
  string(value: string): void {
    const length = value.length;
    if (length <= SHORT_STRING) {
      // Most keys and values: copied in one pass here, cheaper than a regex and a native write.
      const start = this.length;
      this.leb128(length * 2);
      this.reserve(length);
      const buffer = this.buffer;
      let at = this.length;
      for (let i = 0; i < length; i++) {
        const unit = value.charCodeAt(i);
        if (unit > 0xff) {
          this.length = start;
          return this.wideString(value);
        }
        buffer[at++] = unit;
      }
      this.length = at;
      return;
    }
    if (!LATIN1.test(value)) return this.wideString(value);
    this.leb128(length * 2);
    this.reserve(length);
    this.length += this.buffer.write(value, this.length, length, "latin1");
  }

  private wideString(value: string): void {
    this.leb128(value.length * 2 + 1);
    this.reserve(value.length * 2);
    this.length += this.buffer.write(value, this.length, value.length * 2, "utf16le");
  }
}

/**
 * The encoder's working buffer, reused by every batch (encodeSamples is synchronous) so that a
 * prepare does not allocate and grow a fresh one per batch; one grown past RETAINED_SCRATCH_BYTES
 * by a huge sample is let go afterwards.
 */
let scratch: Buffer | undefined;
const RETAINED_SCRATCH_BYTES = 4 * 1024 * 1024;

class SampleEncoder {
  private readonly writer = new Writer(scratch ?? Buffer.allocUnsafe(256 * 1024));
  private readonly atoms: string[] = [];
  private readonly atomIndex = new Map<string, number>();
  private readonly offsets: number[] = [0];
  /** The cycle guard; off for JSON's own (acyclic) rebuild of a record. */
  private maxDepth = MAX_DEPTH;

  add(sample: unknown): void {
    const start = this.writer.length;
    const atomCount = this.atoms.length;
    try {
      this.value(sample === undefined || typeof sample === "function" || typeof sample === "symbol" ? null : sample, 0);
    } catch (error) {
      if (!(error instanceof NotPlainJson)) throw error;
      // JSON.stringify decides (and throws a cycle's or a BigInt's TypeError, as it did before).
      this.writer.length = start;
      for (const atom of this.atoms.splice(atomCount)) this.atomIndex.delete(atom);
      const json = JSON.stringify(sample);
      this.maxDepth = Number.POSITIVE_INFINITY;
      try {
        this.value(json === undefined ? null : JSON.parse(json), 0);
      } finally {
        this.maxDepth = MAX_DEPTH;
      }
    }
    this.offsets.push(this.writer.length);
  }

  finish(): EncodedSamples {
    const { buffer, length } = this.writer;
    scratch = buffer.length <= RETAINED_SCRATCH_BYTES ? buffer : undefined;
    // A copy of its own, the right size (a Buffer's slice() would be a view of the scratch buffer).
    return { atoms: this.atoms, bytes: new Uint8Array(buffer.subarray(0, length)), offsets: this.offsets };
  }

  private value(value: unknown, depth: number): void {
    const writer = this.writer;
    switch (typeof value) {
      case "string":
        writer.byte(TAG_STRING);
        writer.string(value);
        return;
      case "number":
        // -0 too: JSON.stringify writes it as 0.
        if ((value | 0) === value) {
          writer.byte(TAG_INT32);
          writer.leb128(((value << 1) ^ (value >> 31)) >>> 0);
        } else if (Number.isFinite(value)) {
          writer.byte(TAG_FLOAT64);
          writer.reserve(8);
          writer.length = writer.buffer.writeDoubleLE(value, writer.length);
        } else {
          writer.byte(TAG_NULL);
        }
        return;
      case "boolean":
        writer.byte(value ? TAG_TRUE : TAG_FALSE);
        return;
      case "object":
        if (value === null) return writer.byte(TAG_NULL);
        if (depth >= this.maxDepth || typeof (value as { toJSON?: unknown }).toJSON === "function") throw new NotPlainJson();
        if (Array.isArray(value)) return this.array(value, depth);
        {
          const prototype = Object.getPrototypeOf(value);
          if (prototype !== OBJECT_PROTOTYPE && prototype !== null) throw new NotPlainJson();
        }
        return this.object(value as Record<string, unknown>, depth);
      default:
        // undefined, functions and symbols are handled by the containers; a BigInt goes to JSON.stringify.
        throw new NotPlainJson();
    }
  }

  private array(items: readonly unknown[], depth: number): void {
    this.writer.byte(TAG_ARRAY);
    this.writer.leb128(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      this.value(item === undefined || typeof item === "function" || typeof item === "symbol" ? null : item, depth + 1);
    }
  }

  private object(object: Record<string, unknown>, depth: number): void {
    const keys: string[] = [];
    const items: unknown[] = [];
    for (const key of Object.keys(object)) {
      const item = object[key];
      if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
      keys.push(key);
      items.push(item);
    }
    this.writer.byte(TAG_OBJECT);
    this.writer.leb128(keys.length);
    for (let i = 0; i < keys.length; i++) {
      this.writer.leb128((this.atom(keys[i]!) + 1) << 1);
      this.value(items[i], depth + 1);
    }
  }

  private atom(key: string): number {
    let index = this.atomIndex.get(key);
    if (index === undefined) {
      index = this.atoms.push(key) - 1;
      this.atomIndex.set(key, index);
    }
    return index;
  }
}

/** Encodes each sample as JSON.parse(JSON.stringify(sample)) would rebuild it (undefined as null). */
export function encodeSamples(samples: readonly unknown[]): EncodedSamples {
  const encoder = new SampleEncoder();
  for (const sample of samples) encoder.add(sample);
  return encoder.finish();
}

/** Records [from, to) of `encoded`, as their own EncodedSamples (sharing the atoms). */
export function sliceSamples(encoded: EncodedSamples, from: number, to: number): EncodedSamples {
  const start = encoded.offsets[from]!;
  return {
    atoms: encoded.atoms,
    bytes: encoded.bytes.subarray(start, encoded.offsets[to]!),
    offsets: encoded.offsets.slice(from, to + 1).map((offset) => offset - start),
  };
}

export function sampleCount(encoded: EncodedSamples): number {
  return encoded.offsets.length - 1;
}

/** One bjson document holding records [from, to) as an array. */
export function batchDocument(encoded: EncodedSamples, from: number, to: number): Uint8Array {
  const header = new Writer(Buffer.allocUnsafe(1024));
  header.byte(BC_VERSION);
  header.leb128(encoded.atoms.length);
  for (const atom of encoded.atoms) header.string(atom);
  header.byte(TAG_ARRAY);
  header.leb128(to - from);
  const body = encoded.bytes.subarray(encoded.offsets[from]!, encoded.offsets[to]!);
  const document = new Uint8Array(header.length + body.length);
  document.set(header.buffer.subarray(0, header.length), 0);
  document.set(body, header.length);
  return document;
}
