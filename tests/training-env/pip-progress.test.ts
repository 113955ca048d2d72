import { describe, expect, it } from "vitest";
import { PipProgress } from "../../server/training-env/pip-progress";
import { countRequirements, pythonVersionProblem, requiredPython } from "../../server/training-env/requirements";

// Lines as pip 23.2 prints them for `pip install -c constraints.txt -r requirements.txt`.
const PIP_OUTPUT = `Looking in indexes: https://pypi.org/simple, file:///opt/pypi/simple
Looking in links: /opt/wheels
Collecting accelerate==1.16.0 (from -r trainer/requirements.txt (line 3))
  Downloading accelerate-1.16.0-py3-none-any.whl (385 kB)
Processing /opt/pypi/files/aiohappyeyeballs-2.7.1-py3-none-any.whl (from -r trainer/requirements.txt (line 4))
Collecting torch==2.13.0 (from -r trainer/requirements.txt (line 80))
  Using cached https://example.org/torch-2.13.0.whl
WARNING: Location 'file:///opt/pypi-more/simple/torch/' is ignored: it is neither a file nor a directory.
Installing collected packages: torch, accelerate, aiohappyeyeballs
Successfully installed accelerate-1.16.0 aiohappyeyeballs-2.7.1 torch-2.13.0+cpu`.split("\n");

describe("PipProgress", () => {
  it("turns Collecting / Processing / Downloading lines into collecting steps out of the pinned count", () => {
    const progress = new PipProgress(99);
    const steps = PIP_OUTPUT.slice(0, 8).map((line) => progress.line(line)).filter(Boolean);
    expect(steps).toEqual([
      { step: 1, total: 99, message: "preparing the training environment: collecting accelerate…" },
      { step: 1, total: 99, message: "preparing the training environment: downloading accelerate (385 kB)…" },
      { step: 2, total: 99, message: "preparing the training environment: collecting aiohappyeyeballs…" },
      { step: 3, total: 99, message: "preparing the training environment: collecting torch…" },
    ]);
  });

  it("names the package being installed from the install list and the count of installed ones", () => {
    const progress = new PipProgress(3);
    for (const line of PIP_OUTPUT.slice(0, 8)) progress.line(line);
    expect(progress.line(PIP_OUTPUT[8])).toEqual({ step: 0, total: 3, message: "preparing the training environment: installing torch…" });
    expect(progress.installedCount(0)).toBeUndefined();
    expect(progress.installedCount(1)).toEqual({ step: 1, total: 3, message: "preparing the training environment: installing accelerate…" });
    expect(progress.installedCount(1)).toBeUndefined();
    expect(progress.installedCount(2)).toEqual({ step: 2, total: 3, message: "preparing the training environment: installing aiohappyeyeballs…" });
    expect(progress.line(PIP_OUTPUT[9])).toEqual({ step: 3, total: 3, message: "preparing the training environment: installed 3 packages…" });
  });

  it("grows the total when pip collects more than the files pin", () => {
    const progress = new PipProgress(1);
    progress.line("Collecting a==1");
    expect(progress.line("Collecting setuptools")).toEqual({ step: 2, total: 2, message: "preparing the training environment: collecting setuptools…" });
  });
});

describe("requirements", () => {
  it("counts the packages a requirements file names", () => {
    expect(countRequirements("# pins\naccelerate==1.16.0\n\n  torch==2.13.0\n-c constraints.txt\n")).toBe(2);
  });

  it("reads the lowest Python from pyproject.toml", () => {
    expect(requiredPython('[project]\nname = "x"\nrequires-python = ">=3.11"\n')).toEqual([3, 11]);
    expect(() => requiredPython("[project]\n")).toThrow(/requires-python/);
  });

  it("accepts the needed Python or newer and names both versions otherwise", () => {
    expect(pythonVersionProblem("python3", [3, 11, 7], [3, 11])).toBeNull();
    expect(pythonVersionProblem("python3", [3, 12, 0], [3, 11])).toBeNull();
    expect(pythonVersionProblem("python3", [4, 0, 0], [3, 11])).toBeNull();
    expect(pythonVersionProblem("/usr/bin/python3", [3, 10, 13], [3, 11])).toBe(
      "the training environment needs Python >= 3.11, but /usr/bin/python3 is Python 3.10.13. " +
        "Install Python 3.11 or newer as python3, or set STUDIO_PYTHON to an environment built from trainer/requirements.txt.",
    );
  });
});
