/** Label sets and their ids: ids follow the option order of the label question (labels dict → its keys). */
import { drop, type Drop } from "../drop-reasons";
import type { LabelSpec } from "../tasks/types";

export class LabelSpace {
  readonly index: Map<string, number>;

  constructor(readonly names: readonly string[]) {
    this.index = new Map(names.map((name, id) => [name, id]));
  }

  /** The id(s) of a sample's label(s), or invalid_label when one is not in the set. */
  ids(label: string | readonly string[]): number | number[] | Drop {
    if (typeof label === "string") return this.index.get(label) ?? this.invalid(label);
    const ids: number[] = [];
    for (const name of label) {
      const id = this.index.get(name);
      if (id === undefined) return this.invalid(name);
      ids.push(id);
    }
    return ids;
  }

  private invalid(name: string): Drop {
    return drop("invalid_label", `"${name}" is not one of the labels (${this.names.join(", ")})`);
  }

  label2id(): Record<string, number> {
    return Object.fromEntries(this.names.map((name, id) => [name, id]));
  }

  id2label(): Record<number, string> {
    return Object.fromEntries(this.names.map((name, id) => [id, name]));
  }
}

/**
 * Fixed names are used as given; otherwise the label set is every string label the samples use,
 * sorted by code point so that ids do not depend on record order (Argilla: a Python set, in
 * arbitrary order) — or none when they use no string label.
 */
export function resolveLabelSpace(spec: LabelSpec, labelsInSamples: () => Iterable<string>): LabelSpace | undefined {
  if (spec.names) return new LabelSpace(spec.names);
  const names = [...new Set(labelsInSamples())].sort(compareCodePoints);
  return names.length > 0 ? new LabelSpace(names) : undefined; // e.g. similarity scores only: no classes
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A 0/1 vector over ALL labels (Argilla's MultiLabelBinarizer only spans the labels that occur). */
export function binarize(ids: readonly number[], width: number): number[] {
  const vector = new Array<number>(width).fill(0);
  for (const id of ids) vector[id] = 1;
  return vector;
}

/** Label names of a row whose `label` holds id(s). */
export function namesOfIds(label: unknown, labels: LabelSpace | undefined): string[] {
  const ids = Array.isArray(label) ? label : [label];
  return ids.map((id) => labels?.names[id as number] ?? String(id));
}
