/**
 * What the training environment is built from: the trainer package's pin files (trainer/), the Python
 * version its pyproject.toml requires, and the hash that says whether a built environment is current.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface TrainerFiles {
  dir: string;
  requirements: string;
  constraints: string;
  ppoRequirements: string;
  pyproject: string;
}

export function trainerFiles(dir: string): TrainerFiles {
  return {
    dir,
    requirements: path.join(dir, "requirements.txt"),
    constraints: path.join(dir, "constraints.txt"),
    ppoRequirements: path.join(dir, "requirements-ppo.txt"),
    pyproject: path.join(dir, "pyproject.toml"),
  };
}

/**
 * trainer/ next to this module when it runs from source (tsx, vitest), else under the working
 * directory (the project root).
 */
export function defaultTrainerDir(): string {
  const candidates = [
    typeof __dirname === "string" ? path.resolve(/*turbopackIgnore: true*/ __dirname, "..", "..", "trainer") : undefined,
    path.resolve(/*turbopackIgnore: true*/ process.cwd(), "trainer"),
  ];
  const found = candidates.find((dir): dir is string => dir !== undefined && fs.existsSync(path.join(dir, "requirements.txt")));
  if (!found) throw new Error("cannot find trainer/requirements.txt (the training worker's pins)");
  return found;
}

/** sha256 over the files' names and contents: a changed pin (or constraint) gives another hash. */
export function hashFiles(files: string[]): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${path.basename(file)}\0${fs.readFileSync(file, "utf8")}\0`);
  return hash.digest("hex");
}

/** How many packages a requirements file names (comments, blank lines and options left out). */
export function countRequirements(text: string): number {
  return text.split("\n").filter((line) => /^[A-Za-z0-9]/.test(line.trim())).length;
}

export type PythonVersion = [number, number, number];

/** The lowest Python that pyproject.toml's `requires-python = ">=X.Y"` allows. */
export function requiredPython(pyprojectText: string): [number, number] {
  const match = pyprojectText.match(/^requires-python\s*=\s*["']>=\s*(\d+)\.(\d+)/m);
  if (!match) throw new Error('trainer/pyproject.toml has no requires-python = ">=X.Y"');
  return [Number(match[1]), Number(match[2])];
}

/** null when `found` satisfies `needed`, else the message that says what to do. */
export function pythonVersionProblem(python: string, found: PythonVersion, needed: [number, number]): string | null {
  if (found[0] > needed[0] || (found[0] === needed[0] && found[1] >= needed[1])) return null;
  return (
    `the training environment needs Python >= ${needed.join(".")}, but ${python} is Python ${found.join(".")}. ` +
    `Install Python ${needed.join(".")} or newer as python3, or set STUDIO_PYTHON to an environment built from trainer/requirements.txt.`
  );
}
