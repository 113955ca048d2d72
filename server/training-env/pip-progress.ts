/**
 * pip's console output → progress steps. pip prints one "Collecting X" per requirement it resolves,
 * then one "Installing collected packages: a, b, …" line and nothing per package while it installs
 * (the long part: torch alone is ~700 MB unpacked). Install progress therefore comes from counting
 * the `*.dist-info` folders that appear, since pip installs in the order that line lists.
 */

export interface EnvironmentProgress {
  step: number;
  total?: number;
  message: string;
}

export const PROGRESS_PREFIX = "preparing the training environment";

const packages = (count: number) => `${count} package${count === 1 ? "" : "s"}`;

export const progressMessage = (what: string): string => `${PROGRESS_PREFIX}: ${what}…`;

/** The package a requirement, a wheel's file name or its path names ("torch==2.13.0", ".../dill-0.4.1-py3-none-any.whl" → "torch", "dill"). */
function packageName(spec: string): string {
  const last = spec.split("/").pop()!;
  const name = last.match(/^[A-Za-z0-9._-]+/)?.[0] ?? last;
  return /\.(whl|tar\.gz|zip)$/.test(last) ? name.replace(/-\d.*$/, "") : name;
}

/** Follows one pip install's output; `expected` is how many packages the requirement files name. */
export class PipProgress {
  private collected = 0;
  private installing: string[] = [];
  private installed = 0;
  private current: EnvironmentProgress;

  constructor(private readonly expected: number) {
    this.current = { step: 0, total: expected, message: progressMessage("resolving the pinned packages") };
  }

  /** The step a line of pip's output moves to, or undefined when it says nothing new. */
  line(text: string): EnvironmentProgress | undefined {
    const line = text.trim();
    let match: RegExpMatchArray | null;
    // A requirement from an index says "Collecting", one from a local wheel "Processing <path>".
    if ((match = line.match(/^Collecting (\S+)/) ?? line.match(/^Processing (\S+)/))) {
      this.collected++;
      const name = packageName(match[1]);
      return this.set({ step: this.collected, total: Math.max(this.expected, this.collected), message: progressMessage(`collecting ${name}`) });
    }
    if ((match = line.match(/^Downloading (\S+)(?: \((.+)\))?/))) {
      const what = `downloading ${packageName(match[1])}${match[2] ? ` (${match[2]})` : ""}`;
      return this.set({ ...this.current, message: progressMessage(what) });
    }
    if ((match = line.match(/^Installing collected packages: (.+)$/))) {
      this.installing = match[1].split(",").map((name) => name.trim()).filter(Boolean);
      this.installed = 0;
      return this.set(this.installStep());
    }
    if (/^Successfully installed /.test(line)) {
      const total = this.installing.length || this.collected;
      return this.set({ step: total, total, message: progressMessage(`installed ${packages(total)}`) });
    }
    return undefined;
  }

  /** How many packages of the install list are in place now; a step when that moved on. */
  installedCount(count: number): EnvironmentProgress | undefined {
    if (this.installing.length === 0 || count <= this.installed) return undefined;
    this.installed = Math.min(count, this.installing.length);
    return this.set(this.installStep());
  }

  private installStep(): EnvironmentProgress {
    const next = this.installing[this.installed];
    const total = this.installing.length;
    return { step: this.installed, total, message: progressMessage(next ? `installing ${next}` : `installed ${packages(total)}`) };
  }

  private set(progress: EnvironmentProgress): EnvironmentProgress {
    this.current = progress;
    return progress;
  }
}
