/**
 * The Python environment the training worker runs in, made by the studio on first need: a venv in
 * `STUDIO_HOME/python/venv` from trainer/requirements.txt's exact pins, and the PPO overlay (trl 1.12.0,
 * `--no-deps --target`) in `STUDIO_HOME/python/ppo-overlay`. `STUDIO_PYTHON` names an existing
 * environment instead (the overlay is still built, with that Python's pip).
 *
 * Every pip call is constrained by trainer/constraints.txt (torch==2.13.0), given with `-c` and as
 * PIP_CONSTRAINT: an unconstrained torch would download the CUDA build, GBs of `nvidia-*` wheels.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { env } from "../env";
import { buildOnce, builtFolder, withBuildLock } from "./install-once";
import { PipProgress, progressMessage, type EnvironmentProgress } from "./pip-progress";
import {
  countRequirements,
  defaultTrainerDir,
  hashFiles,
  pythonVersionProblem,
  requiredPython,
  trainerFiles,
  type PythonVersion,
  type TrainerFiles,
} from "./requirements";

export type { EnvironmentProgress } from "./pip-progress";

export interface TrainingEnvironment {
  /** The Python to spawn the worker with (`python -m studio_trainer`). */
  python: string;
  /** The folder STUDIO_PPO_OVERLAY names (trl 1.12.0 for PPO). */
  ppoOverlay: string;
}

export interface EnsureOptions {
  /** The studio home: the environment lives in `<home>/python`. */
  home?: string;
  onProgress?: (progress: EnvironmentProgress) => void;
  signal?: AbortSignal;
  /** An existing environment to use instead of building one (default: STUDIO_PYTHON). */
  studioPython?: string;
  /** The Python a venv is created with (default: python3 on PATH). */
  systemPython?: string;
  trainerDir?: string;
}

/** The modules the worker cannot start without; importing them is the check an environment passes. */
const PROBE = "import json, sys, torch, transformers, trl; print(json.dumps({'python': sys.version.split()[0], 'torch': torch.__version__, 'transformers': transformers.__version__, 'trl': trl.__version__}))";

export type EnvironmentVersions = { python: string; torch: string; transformers: string; trl: string };

/** Environments that passed the probe in this process: a second job does not pay torch's import again. */
const probed = new Map<string, EnvironmentVersions>();

export async function ensureTrainingEnvironment(options: EnsureOptions = {}): Promise<TrainingEnvironment> {
  const root = path.join(options.home ?? env.STUDIO_HOME, "python");
  const files = trainerFiles(options.trainerDir ?? defaultTrainerDir());
  const report = options.onProgress ?? (() => {});
  const given = options.studioPython ?? env.STUDIO_PYTHON;
  // A venv's folder is accepted for its python.
  const studioPython = given && fs.statSync(given, { throwIfNoEntry: false })?.isDirectory() ? path.join(given, "bin", "python") : given;
  const venvHash = hashFiles([files.requirements, files.constraints]);
  const overlayHash = hashFiles([files.ppoRequirements, files.constraints]);

  const venvPython = (venv: string) => path.join(venv, "bin", "python");
  const ready = (): TrainingEnvironment | null => {
    const overlay = builtFolder(root, "ppo-overlay", overlayHash);
    if (!overlay) return null;
    if (studioPython) return { python: studioPython, ppoOverlay: overlay };
    const venv = builtFolder(root, "venv", venvHash);
    // The venv's python is a link to the Python it was made with, which an upgrade can remove.
    return venv && fs.existsSync(venvPython(venv)) ? { python: venvPython(venv), ppoOverlay: overlay } : null;
  };

  if (studioPython) await checkEnvironment(studioPython, "STUDIO_PYTHON", options.signal);
  const already = ready();
  if (already) return already;

  return withBuildLock(
    root,
    async () => {
      let python = studioPython;
      if (!python) {
        const venvLink = path.join(root, "venv");
        if (builtFolder(root, "venv", venvHash) && !fs.existsSync(venvPython(venvLink))) fs.rmSync(venvLink, { force: true });
        const venv = await buildOnce(root, "venv", venvHash, (dir) => buildVenv(dir, files, root, options.systemPython ?? "python3", report, options.signal));
        python = venvPython(venv);
      }
      const builder = python;
      const ppoOverlay = await buildOnce(root, "ppo-overlay", overlayHash, (dir) =>
        pipInstall(builder, ["--no-deps", "--target", dir, "-r", files.ppoRequirements], files, root, report, options.signal, "the PPO overlay"),
      );
      return { python, ppoOverlay };
    },
    {
      signal: options.signal,
      onWait: (owner) => report({ step: 0, message: progressMessage(`waiting for another process building the environment${owner ? ` (pid ${owner})` : ""}`) }),
    },
  );
}

/** The Python, torch, transformers and TRL versions of an environment (imports them: a few seconds). */
export async function environmentVersions(python: string, signal?: AbortSignal): Promise<EnvironmentVersions> {
  const known = probed.get(python);
  if (known) return known;
  const result = await run(python, ["-c", PROBE], { signal });
  if (result.code !== 0) throw new Error(result.output.trim().split("\n").slice(-3).join("\n") || `exit status ${result.code}`);
  const versions = JSON.parse(result.output.trim().split("\n").pop()!) as EnvironmentVersions;
  probed.set(python, versions);
  return versions;
}

/** The PPO overlay's TRL version, from its dist-info folder (no Python started). */
export function overlayTrlVersion(ppoOverlay: string): string | null {
  const entry = fs.readdirSync(ppoOverlay).find((name) => /^trl-.+\.dist-info$/.test(name));
  return entry?.slice("trl-".length, -".dist-info".length) ?? null;
}

async function checkEnvironment(python: string, source: string, signal?: AbortSignal): Promise<void> {
  try {
    await environmentVersions(python, signal);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot import torch, transformers and trl: ${(error as Error).message}`;
    throw new Error(`${source}=${python} ${reason}. Point it at an environment built from trainer/requirements.txt, or unset it and the studio builds one.`);
  }
}

async function buildVenv(dir: string, files: TrainerFiles, root: string, systemPython: string, report: (p: EnvironmentProgress) => void, signal?: AbortSignal): Promise<void> {
  report({ step: 0, message: progressMessage(`checking ${systemPython}`) });
  const version = await run(systemPython, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], { signal }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new Error(`no ${systemPython} on PATH: ${pythonVersionProblem(systemPython, [0, 0, 0], requiredPython(fs.readFileSync(files.pyproject, "utf8")))}`);
    throw error;
  });
  const found = version.output.trim().split(".").map(Number) as PythonVersion;
  const problem = pythonVersionProblem(systemPython, found, requiredPython(fs.readFileSync(files.pyproject, "utf8")));
  if (problem) throw new Error(problem);
  report({ step: 0, message: progressMessage("creating the virtual environment") });
  const created = await run(systemPython, ["-m", "venv", dir], { signal, log: path.join(root, "build.log") });
  if (created.code !== 0) throw new Error(`${systemPython} -m venv failed (exit ${created.code}): ${created.output.trim().split("\n").slice(-5).join("\n")}`);
  await pipInstall(path.join(dir, "bin", "python"), ["-r", files.requirements], files, root, report, signal, "the pinned packages", sitePackages(dir, found));
}

const sitePackages = (venv: string, version: PythonVersion) => path.join(venv, "lib", `python${version[0]}.${version[1]}`, "site-packages");

/** `python -m pip install -c constraints.txt …`, its output in build.log and turned into progress. */
async function pipInstall(
  python: string,
  args: string[],
  files: TrainerFiles,
  root: string,
  report: (p: EnvironmentProgress) => void,
  signal: AbortSignal | undefined,
  what: string,
  installDir?: string,
): Promise<void> {
  const requirementsFile = args[args.indexOf("-r") + 1];
  const progress = new PipProgress(countRequirements(fs.readFileSync(requirementsFile, "utf8")));
  const target = args.includes("--target") ? args[args.indexOf("--target") + 1] : installDir;
  const distInfos = () => (target && fs.existsSync(target) ? fs.readdirSync(target).filter((name) => name.endsWith(".dist-info")).length : 0);
  const before = distInfos();
  report({ step: 0, message: progressMessage(`installing ${what}`) });
  const poll = setInterval(() => {
    const step = progress.installedCount(distInfos() - before);
    if (step) report(step);
  }, 500);
  try {
    const result = await run(python, ["-m", "pip", "install", "--no-input", "--progress-bar", "off", "-c", files.constraints, ...args], {
      signal,
      log: path.join(root, "build.log"),
      env: { PIP_CONSTRAINT: files.constraints, PIP_DISABLE_PIP_VERSION_CHECK: "1", PYTHONUNBUFFERED: "1" },
      onLine: (line) => {
        const step = progress.line(line);
        if (step) report(step);
      },
    });
    if (result.code !== 0) {
      throw new Error(`pip could not install ${what} (exit ${result.code}): ${result.output.trim().split("\n").slice(-8).join("\n")}\n(full log: ${path.join(root, "build.log")})`);
    }
  } finally {
    clearInterval(poll);
  }
}

/** Runs a command; its stdout and stderr lines go to `onLine` and the log; the last 64 KB are kept. */
function run(
  command: string,
  args: string[],
  options: { signal?: AbortSignal; log?: string; env?: Record<string, string>; onLine?: (line: string) => void },
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    options.signal?.throwIfAborted();
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"], signal: options.signal });
    const log = options.log ? fs.createWriteStream(options.log, { flags: "a" }) : undefined;
    log?.write(`\n$ ${command} ${args.join(" ")}\n`);
    let output = "";
    let partial = "";
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      log?.write(text);
      output = (output + text).slice(-65_536);
      const lines = (partial + text).split(/\r?\n|\r/);
      partial = lines.pop()!;
      for (const line of lines) options.onLine?.(line);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.once("error", (error) => {
      log?.end();
      reject(error);
    });
    child.once("close", (code, signal) => {
      if (partial) options.onLine?.(partial);
      log?.end();
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}
