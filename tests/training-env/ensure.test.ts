/**
 * ensureTrainingEnvironment's flow (version check, venv, overlay, stamp, lock, rebuild on a changed
 * pin, a failed build) with a stand-in python: a shell script that answers `-c`, `-m venv` and
 * `-m pip install` the way Python does, and records each pip call. The real build runs in `npm test`'s
 * training worker stage.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureTrainingEnvironment, type EnvironmentProgress } from "../../server/training-env";

// $FAKE_VERSION: what `-c` prints for the version check; $FAKE_PIP_FAIL: pip exits 1; each pip call
// appends its arguments and PIP_CONSTRAINT to $FAKE_LOG, and sleeps $FAKE_PIP_SLEEP seconds.
const FAKE_PYTHON = `#!/bin/sh
if [ "$1" = "-c" ]; then
  case "$2" in
    *sys.version_info*) echo "\${FAKE_VERSION:-3.11.7}" ;;
    *) echo '{"python": "3.11.7", "torch": "2.13.0", "transformers": "5.25.0", "trl": "1.16.0"}' ;;
  esac
  exit 0
fi
if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" "$3/lib/python3.11/site-packages" && cp "$0" "$3/bin/python"; exit 0; fi
echo "pip $* PIP_CONSTRAINT=$PIP_CONSTRAINT" >> "$FAKE_LOG"
sleep "\${FAKE_PIP_SLEEP:-0}"
if [ -n "$FAKE_PIP_FAIL" ]; then echo "ERROR: No matching distribution found for torch==9"; exit 1; fi
target="$(dirname "$(dirname "$0")")/lib/python3.11/site-packages"
while [ $# -gt 0 ]; do [ "$1" = "--target" ] && target="$2"; shift; done
mkdir -p "$target/trl-1.12.0.dist-info"
echo "Collecting trl==1.12.0"
echo "Installing collected packages: trl"
echo "Successfully installed trl-1.12.0"
`;

let dir: string;
let trainerDir: string;
let fakePython: string;
const saved = { ...process.env };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "training-env-"));
  trainerDir = path.join(dir, "trainer");
  fs.mkdirSync(trainerDir);
  for (const file of ["requirements.txt", "constraints.txt", "requirements-ppo.txt", "pyproject.toml"]) {
    fs.copyFileSync(path.resolve("trainer", file), path.join(trainerDir, file));
  }
  fakePython = path.join(dir, "python3");
  fs.writeFileSync(fakePython, FAKE_PYTHON, { mode: 0o755 });
  process.env.FAKE_LOG = path.join(dir, "pip.log");
});

afterEach(() => {
  process.env = { ...saved };
  fs.rmSync(dir, { recursive: true, force: true });
});

const pipCalls = () => (fs.existsSync(process.env.FAKE_LOG!) ? fs.readFileSync(process.env.FAKE_LOG!, "utf8").trim().split("\n") : []);
const home = () => path.join(dir, "home");
const ensure = (extra: { onProgress?: (p: EnvironmentProgress) => void; studioPython?: string } = {}) =>
  ensureTrainingEnvironment({ home: home(), systemPython: fakePython, trainerDir, studioPython: "", ...extra });

describe("ensureTrainingEnvironment", () => {
  it("builds the venv and the PPO overlay, constraining every pip call, and reports progress", async () => {
    const steps: EnvironmentProgress[] = [];
    const environment = await ensure({ onProgress: (p) => steps.push(p) });
    expect(environment).toEqual({ python: path.join(home(), "python", "venv", "bin", "python"), ppoOverlay: path.join(home(), "python", "ppo-overlay") });
    expect(fs.existsSync(path.join(environment.ppoOverlay, "trl-1.12.0.dist-info"))).toBe(true);
    const constraints = path.join(trainerDir, "constraints.txt");
    expect(pipCalls()).toEqual([
      `pip -m pip install --no-input --progress-bar off -c ${constraints} -r ${path.join(trainerDir, "requirements.txt")} PIP_CONSTRAINT=${constraints}`,
      `pip -m pip install --no-input --progress-bar off -c ${constraints} --no-deps --target ${fs.realpathSync(environment.ppoOverlay)} -r ${path.join(trainerDir, "requirements-ppo.txt")} PIP_CONSTRAINT=${constraints}`,
    ]);
    const messages = steps.map((s) => s.message);
    expect(messages).toContain("preparing the training environment: creating the virtual environment…");
    expect(messages).toContain("preparing the training environment: collecting trl…");
    expect(messages).toContain("preparing the training environment: installing trl…");
    // Nothing half-built is left beside the two links and their folders.
    expect(fs.readdirSync(path.join(home(), "python")).filter((name) => !name.endsWith(".log")).sort()).toEqual([
      "ppo-overlay",
      expect.stringMatching(/^ppo-overlay-[0-9a-f]{12}$/),
      "venv",
      expect.stringMatching(/^venv-[0-9a-f]{12}$/),
    ]);
  });

  it("is instant the second time, and rebuilds only what a changed pin affects", async () => {
    const first = await ensure();
    expect(pipCalls()).toHaveLength(2);
    const started = performance.now();
    expect(await ensure()).toEqual(first);
    expect(performance.now() - started).toBeLessThan(50);
    expect(pipCalls()).toHaveLength(2);

    fs.appendFileSync(path.join(trainerDir, "requirements.txt"), "tqdm==9.9.9\n");
    expect(await ensure()).toEqual(first);
    expect(pipCalls()).toHaveLength(3);
    expect(pipCalls()[2]).toContain("requirements.txt");
    // The old venv's folder is gone.
    expect(fs.readdirSync(path.join(home(), "python")).filter((name) => name.startsWith("venv-"))).toHaveLength(1);

    fs.appendFileSync(path.join(trainerDir, "constraints.txt"), "numpy==9.9.9\n");
    await ensure();
    expect(pipCalls()).toHaveLength(5);
  });

  it("leaves nothing that looks ready when pip fails, and builds again on the next call", async () => {
    process.env.FAKE_PIP_FAIL = "1";
    await expect(ensure()).rejects.toThrow(/pip could not install the pinned packages \(exit 1\): [\s\S]*No matching distribution found for torch==9/);
    expect(fs.readdirSync(path.join(home(), "python")).filter((name) => name.startsWith("venv"))).toEqual([]);
    delete process.env.FAKE_PIP_FAIL;
    await ensure();
    expect(pipCalls()).toHaveLength(3);
  });

  it("refuses a Python older than trainer/pyproject.toml requires, naming both versions", async () => {
    process.env.FAKE_VERSION = "3.10.13";
    await expect(ensure()).rejects.toThrow(`the training environment needs Python >= 3.11, but ${fakePython} is Python 3.10.13.`);
    expect(pipCalls()).toEqual([]);
    expect(fs.existsSync(path.join(home(), "python", "build.lock"))).toBe(false);
  });

  it("builds once when two callers ask at the same time; the other waits and says so", async () => {
    process.env.FAKE_PIP_SLEEP = "1";
    const waiting: string[] = [];
    const [a, b] = await Promise.all([ensure(), ensure({ onProgress: (p) => waiting.push(p.message) })]);
    expect(a).toEqual(b);
    expect(pipCalls()).toHaveLength(2);
    expect(waiting[0]).toBe(`preparing the training environment: waiting for another process building the environment (pid ${process.pid})…`);
  });

  it("builds once when another process asks at the same time; the later one waits for the builder's pid", async () => {
    process.env.FAKE_PIP_SLEEP = "1";
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("tests/training-env/ensure-child.ts"), home(), fakePython, trainerDir], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    // Start once the child holds the lock, so that this process is the one that waits.
    const lock = path.join(home(), "python", "build.lock");
    while (!fs.existsSync(lock)) await new Promise((resolve) => setTimeout(resolve, 20));
    const waiting: string[] = [];
    const mine = await ensure({ onProgress: (p) => waiting.push(p.message) });
    expect(await exited).toBe(0);
    expect(JSON.parse(stdout)).toEqual(mine);
    expect(waiting).toEqual([`preparing the training environment: waiting for another process building the environment (pid ${child.pid})…`]);
    expect(stderr).toContain("installing the pinned packages");
    expect(pipCalls()).toHaveLength(2);
  });

  it("stops a build when its signal aborts, leaving nothing that looks ready and no lock", async () => {
    process.env.FAKE_PIP_SLEEP = "5";
    const controller = new AbortController();
    const building = ensureTrainingEnvironment({ home: home(), systemPython: fakePython, trainerDir, studioPython: "", signal: controller.signal });
    while (pipCalls().length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    controller.abort();
    await expect(building).rejects.toThrow(/abort/i);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(fs.readdirSync(path.join(home(), "python")).filter((name) => !name.endsWith(".log"))).toEqual([]);
  });

  it("takes over the lock of a builder that died", async () => {
    fs.mkdirSync(path.join(home(), "python"), { recursive: true });
    fs.writeFileSync(path.join(home(), "python", "build.lock"), "2147483646");
    await ensure();
    expect(pipCalls()).toHaveLength(2);
    expect(fs.existsSync(path.join(home(), "python", "build.lock"))).toBe(false);
  });

  it("uses STUDIO_PYTHON (a python or its venv folder) after checking it imports torch, transformers and trl", async () => {
    const venv = path.join(dir, "given");
    fs.mkdirSync(path.join(venv, "bin"), { recursive: true });
    fs.copyFileSync(fakePython, path.join(venv, "bin", "python"));
    process.env.STUDIO_PYTHON = venv;
    const environment = await ensureTrainingEnvironment({ home: home(), trainerDir });
    expect(environment.python).toBe(path.join(venv, "bin", "python"));
    expect(pipCalls()).toHaveLength(1);
    expect(pipCalls()[0]).toContain("--no-deps --target");
  });

  it("says clearly when STUDIO_PYTHON cannot run the worker", async () => {
    await expect(ensure({ studioPython: path.join(dir, "missing", "python") })).rejects.toThrow(
      `STUDIO_PYTHON=${path.join(dir, "missing", "python")} does not exist. Point it at an environment built from trainer/requirements.txt, or unset it and the studio builds one.`,
    );
    const bare = path.join(dir, "bare-python");
    fs.writeFileSync(bare, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n", { mode: 0o755 });
    await expect(ensure({ studioPython: bare })).rejects.toThrow(`STUDIO_PYTHON=${bare} cannot import torch, transformers and trl: ModuleNotFoundError: No module named 'torch'.`);
    expect(pipCalls()).toEqual([]);
  });
});
