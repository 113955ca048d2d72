import fs from "node:fs";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  TRAINER_EVENT_NAMES,
  type TrainerEvent,
  TrainerEventError,
  parseEventLine,
  readEvents,
  trainerEventSchema,
} from "./events";

const PROTOCOL = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../trainer/studio_trainer/protocol");
const EXAMPLES = path.join(PROTOCOL, "examples");
const examples = fs
  .readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".jsonl"))
  .sort();

type Json = Record<string, unknown>;
const fileSchema = JSON.parse(fs.readFileSync(path.join(PROTOCOL, "events.schema.json"), "utf8")) as Json;

/**
 * A JSON Schema node reduced to what it checks, so the file and z.toJSONSchema's output compare by meaning:
 * $refs resolved, `type` always a sorted list (implied by const/enum when absent), annotations dropped
 * (description, format, zod's propertyNames {type: string} and its safe-integer maximum), and declared
 * properties that only repeat additionalProperties dropped (the same constraint either way).
 */
function normalize(node: Json, root: Json): Json {
  if (typeof node.$ref === "string") {
    const target = node.$ref.replace(/^#\//, "").split("/").reduce<Json>((n, k) => n[k] as Json, root);
    const { $ref: _ref, ...rest } = node;
    return normalize({ ...target, ...rest }, root);
  }
  const out: Json = {};
  const types = node.type ?? (node.const !== undefined ? typeof node.const : undefined) ??
    (Array.isArray(node.enum) ? [...new Set(node.enum.map((v) => typeof v))] : undefined);
  if (types !== undefined) out.type = [types].flat().sort();
  if (node.const !== undefined) out.const = node.const;
  if (Array.isArray(node.enum)) out.enum = [...node.enum].sort();
  for (const key of ["minimum", "minLength", "minProperties", "pattern"]) {
    if (node[key] !== undefined) out[key] = node[key];
  }
  if (node.maximum !== undefined && node.maximum !== Number.MAX_SAFE_INTEGER) out.maximum = node.maximum;
  if (Array.isArray(node.required)) out.required = [...node.required].sort();
  const additional = node.additionalProperties;
  if (additional !== undefined) {
    out.additionalProperties = typeof additional === "boolean" ? additional : normalize(additional as Json, root);
  }
  if (node.properties !== undefined) {
    const props: Json = {};
    for (const [name, prop] of Object.entries(node.properties as Json)) {
      const normalized = normalize(prop as Json, root);
      if (!sameJson(normalized, out.additionalProperties)) props[name] = normalized;
    }
    if (Object.keys(props).length > 0) out.properties = props;
  }
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Each event's normalized schema by name; the file's top-level properties (the time pattern) fold into each. */
function eventsOf(schema: Json): Record<string, Json> {
  const top = (schema.properties ?? {}) as Json;
  const byName: Record<string, Json> = {};
  for (const variant of schema.oneOf as Json[]) {
    const event = normalize(variant, schema);
    const props = event.properties as Json;
    for (const [name, constraint] of Object.entries(top)) {
      if (name !== "event") props[name] = { ...(props[name] as Json), ...normalize(constraint as Json, schema) };
    }
    byName[(props.event as Json).const as string] = event;
  }
  return byName;
}

const lineOf = (event: object) => JSON.stringify(event);
const TIME = "2026-12-07T06:54:26.283Z";

describe("the JSON Schema file and the zod schema are one definition", () => {
  const fromFile = eventsOf(fileSchema);
  // io "input": what the parser accepts (the "output" view marks every object closed, strict or not).
  const fromZod = eventsOf(z.toJSONSchema(trainerEventSchema, { target: "draft-2020-12", io: "input" }) as Json);

  it("have the same event names, and the file's top-level enum lists them", () => {
    expect(Object.keys(fromZod).sort()).toEqual(Object.keys(fromFile).sort());
    expect([...TRAINER_EVENT_NAMES].sort()).toEqual([...(fileSchema.properties as any).event.enum].sort());
  });

  it("have the same required fields per event, each including the file's top-level required ones", () => {
    for (const [name, event] of Object.entries(fromFile)) {
      expect(fromZod[name].required, name).toEqual(event.required);
      expect(event.required).toEqual(expect.arrayContaining(fileSchema.required as string[]));
    }
  });

  it("mean the same for every event: property types, enums, bounds, patterns, extra fields refused", () => {
    for (const [name, event] of Object.entries(fromFile)) expect(fromZod[name], name).toEqual(event);
  });
});

describe("parseEventLine", () => {
  it.each(examples)("parses every line of the example transcript %s", (file) => {
    const lines = fs.readFileSync(path.join(EXAMPLES, file), "utf8").split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(parseEventLine(line)).toEqual(JSON.parse(line));
  });

  it("the examples cover every event kind", () => {
    const seen = new Set(
      examples.flatMap((file) =>
        fs.readFileSync(path.join(EXAMPLES, file), "utf8").split("\n").filter(Boolean).map((l) => parseEventLine(l).event),
      ),
    );
    expect([...seen].sort()).toEqual([...TRAINER_EVENT_NAMES].sort());
  });

  it("gives typed events", () => {
    const event: TrainerEvent = parseEventLine(lineOf({ event: "progress", time: TIME, step: 3, max_steps: 4, epoch: null }));
    if (event.event !== "progress") throw new Error("expected progress");
    expect(event.step + event.max_steps).toBe(7);
  });

  const refused: [string, string, RegExp][] = [
    ["not JSON", '{"event": "phase", "time": ', /not JSON: "\{\\"event\\": \\"phase/],
    ["a JSON array", "[1, 2]", /not a JSON object/],
    ["no event name", lineOf({ time: TIME }), /no "event" name/],
    ["an unknown event", lineOf({ event: "finished", time: TIME }), /unknown trainer event "finished" \(expected one of started, /],
    ["a missing field", lineOf({ event: "checkpoint", time: TIME, step: 2 }), /invalid trainer event "checkpoint": path: .*expected string, received undefined/],
    ["a wrong type", lineOf({ event: "progress", time: TIME, step: "2", max_steps: 4, epoch: 0.5 }), /invalid trainer event "progress": step: .*expected number, received string/],
    ["a fractional step", lineOf({ event: "checkpoint", time: TIME, step: 1.5, path: "c" }), /"checkpoint": step: .*int/],
    ["a negative size", lineOf({ event: "progress", time: TIME, step: 1, max_steps: 4, epoch: 0, rss_mb: -1 }), /"progress": rss_mb: /],
    ["a value outside the enum", lineOf({ event: "phase", time: TIME, phase: "warmup" }), /"phase": phase: .*"loading"/],
    ["an extra field", lineOf({ event: "artifact", time: TIME, kind: "model", path: "model", size: 3 }), /"artifact": \(event\): Unrecognized key: "size"/],
    ["a time without a zone", lineOf({ event: "phase", time: "2026-12-07T06:54:26", phase: "loading" }), /"phase": time: /],
    ["empty metric values", lineOf({ event: "metrics", time: TIME, step: 1, values: {}, split: "train" }), /"metrics": values: expected at least one value/],
    ["a non-number metric", lineOf({ event: "done", time: TIME, status: "succeeded", metrics: { f1: "high" }, model_dir: "model" }), /"done": metrics.f1: /],
    ["versions without python", lineOf({ event: "started", time: TIME, job_id: "j", framework: "f", task: "t", device: "cpu", versions: { studio_trainer: "0.1.0" } }), /"started": versions.python: /],
    ["an empty job id", lineOf({ event: "started", time: TIME, job_id: "", framework: "f", task: "t", device: "cpu", versions: { python: "3", studio_trainer: "0" } }), /"started": job_id: /],
  ];
  it.each(refused)("refuses %s with a message naming the problem", (_what, line, message) => {
    expect(() => parseEventLine(line)).toThrow(TrainerEventError);
    expect(() => parseEventLine(line)).toThrow(message);
  });

  it("quotes at most a short prefix of a refused line", () => {
    const secret = "x".repeat(500);
    for (const line of [`not json ${secret}`, lineOf({ event: "error", time: TIME, message: secret, traceback: 3 })]) {
      let message = "";
      try {
        parseEventLine(line);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).not.toBe("");
      expect(message).not.toContain("x".repeat(61));
    }
  });
});

describe("readEvents", () => {
  const phaseLine = (phase: string) => lineOf({ event: "phase", time: TIME, phase });

  async function collect(stream: Readable) {
    const events: string[] = [];
    const invalid: string[] = [];
    await readEvents(stream, (e) => events.push(e.event === "phase" ? e.phase : e.event), (err, line) => {
      expect(err).toBeInstanceOf(TrainerEventError);
      invalid.push(line);
    });
    return { events, invalid };
  }

  it("joins chunks split mid-line and mid-character, takes CRLF, and parses a last line without newline", async () => {
    const text = `${phaseLine("loading")}\r\n${lineOf({ event: "error", time: TIME, message: "é🦉", traceback: null })}\n\n${phaseLine("saving")}`;
    const bytes = Buffer.from(text, "utf8");
    const owl = bytes.indexOf(Buffer.from("🦉")) + 2; // split inside the 4-byte character
    const chunks = [bytes.subarray(0, 10), bytes.subarray(10, owl), bytes.subarray(owl, bytes.length - 5), bytes.subarray(bytes.length - 5)];
    const stream = new PassThrough();
    const result = collect(stream);
    for (const chunk of chunks) {
      stream.write(chunk);
      await new Promise((r) => setImmediate(r));
    }
    stream.end();
    expect(await result).toEqual({ events: ["loading", "error", "saving"], invalid: [] });
  });

  it("passes refused lines to onInvalid and goes on", async () => {
    const stream = Readable.from([`${phaseLine("loading")}\nTraceback (most recent call last):\n${phaseLine("training")}\n`]);
    expect(await collect(stream)).toEqual({ events: ["loading", "training"], invalid: ["Traceback (most recent call last):"] });
  });

  it("reads a whole example transcript byte by byte", async () => {
    const bytes = fs.readFileSync(path.join(EXAMPLES, "success.jsonl"));
    const stream = Readable.from([...bytes].map((b) => Buffer.from([b])));
    const { events, invalid } = await collect(stream);
    expect(invalid).toEqual([]);
    expect(events.length).toBe(bytes.toString("utf8").split("\n").filter(Boolean).length);
    expect(events.at(-1)).toBe("done");
  });

  it("rejects when the stream fails", async () => {
    const stream = new PassThrough();
    const result = collect(stream);
    stream.destroy(new Error("pipe broke"));
    await expect(result).rejects.toThrow("pipe broke");
  });
});
