/**
 * Hub push throughput (issue 17, target: "a 100 MB model folder pushed to the loopback stand-in: the
 * throughput, and the push's overhead over a plain upload of the same bytes < 10%"). The folder
 * (bench/.data/hub-push/model: a 100 MB model.safetensors of random bytes, config and tokenizer files)
 * goes to the Hub stand-in (tests/stand-ins/hub.ts) in the same process, each run to a fresh repo:
 * - studio push: the push job's own spawn (runPush in server/jobs/kinds/hub-push.ts: push.json, python
 *   -m studio_trainer.push, whoami, create repo, the progress wrapper, events parsed, log written);
 * - plain upload: a Python script calling `HfApi.upload_folder` on the same folder, the client's plain way;
 * - raw PUT: the same bytes as one HTTP PUT from Node (the loopback floor, no client at all).
 * Rounds alternate the three; the table shows medians. Xet is off (the stand-in speaks LFS).
 *   npx tsx bench/hub-push.ts [--rounds 5] [--mb 100]
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { runPush } from "../server/jobs/kinds/hub-push";
import { ensureTrainingEnvironment } from "../server/training-env";
import { defaultTrainerDir } from "../server/training-env/requirements";
import { startHubStandIn } from "../tests/stand-ins/hub";
import { argValue, cpuProbeMs, DATA_DIR, printTable } from "./harness";

const OUT = path.join(DATA_DIR, "hub-push");
const ROUNDS = Number(argValue("rounds", "5"));
const MB = Number(argValue("mb", "100"));
const TOKEN = "hf_bench_write_token_0000";

function makeFolder(): { folder: string; bytes: number } {
  const folder = path.join(OUT, "model");
  const weights = path.join(folder, "model.safetensors");
  if (!fs.existsSync(weights) || fs.statSync(weights).size !== MB * 2 ** 20 - 2 ** 16) {
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(weights, crypto.randomBytes(MB * 2 ** 20 - 2 ** 16));
    fs.writeFileSync(path.join(folder, "config.json"), JSON.stringify({ architectures: ["BertForSequenceClassification"], hidden_size: 384 }, null, 2));
    fs.writeFileSync(path.join(folder, "tokenizer.json"), JSON.stringify({ vocab: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`tok${i}`, i])) }));
    fs.writeFileSync(path.join(folder, "tokenizer_config.json"), "{}");
  }
  const bytes = fs.readdirSync(folder).reduce((sum, name) => sum + fs.statSync(path.join(folder, name)).size, 0);
  return { folder, bytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main() {
  const { folder, bytes } = makeFolder();
  const { python } = await ensureTrainingEnvironment({ home: path.resolve(process.env.STUDIO_HOME ?? ".studio") });
  const hub = await startHubStandIn({ tokens: { [TOKEN]: { user: "bench", role: "write" } } });
  process.env.HF_ENDPOINT = hub.url;
  process.env.HF_HUB_DISABLE_XET = "1";
  const card = path.join(OUT, "README.md");
  fs.writeFileSync(card, "---\nlibrary_name: transformers\n---\n# bench\n");
  const times: Record<string, number[]> = { studio: [], plain: [], raw: [] };
  const weights = path.join(folder, "model.safetensors");
  const oid = crypto.createHash("sha256").update(fs.readFileSync(weights)).digest("hex");
  const probe = cpuProbeMs();

  for (let round = 0; round < ROUNDS; round++) {
    // studio push: the job's spawn, to a fresh repo.
    const dir = path.join(OUT, `job-${round}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(card, path.join(dir, "README.md"));
    const specFile = path.join(dir, "push.json");
    fs.writeFileSync(specFile, JSON.stringify({ retries: 0, pushes: [{ repo: `bench/studio-${round}`, repo_type: "model", private: false, folder, card: "README.md", layout: "folder" }] }));
    let started = performance.now();
    let lastProgress = 0;
    await runPush(python, { specFile, dir, token: TOKEN, signal: new AbortController().signal, progress: (p) => (lastProgress = p.done), phase: async () => {} });
    times.studio!.push((performance.now() - started) / 1000);
    if (lastProgress !== bytes + fs.statSync(card).size) throw new Error(`progress ended at ${lastProgress}`);

    // plain upload_folder.
    started = performance.now();
    // Asynchronous: the stand-in answers from this process's event loop.
    const plain = spawn(
      python,
      ["-c", `import sys; from huggingface_hub import HfApi; api = HfApi(); api.create_repo("bench/plain-${round}", exist_ok=True); api.upload_folder(repo_id="bench/plain-${round}", folder_path=sys.argv[1])`, folder],
      { env: { ...process.env, HF_TOKEN: TOKEN, HF_HUB_DISABLE_TELEMETRY: "1", HF_HUB_OFFLINE: "0", PYTHONPATH: defaultTrainerDir() }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    plain.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => plain.once("close", resolve));
    if (status !== 0) throw new Error(stderr);
    times.plain!.push((performance.now() - started) / 1000);

    // raw PUT of the weights (the largest file), from Node.
    started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const request = http.request(`${hub.url}/lfs-upload/model/bench/raw-${round}/${oid}`, { method: "PUT", headers: { "Content-Length": fs.statSync(weights).size } }, (response) => {
        response.resume();
        response.on("end", () => (response.statusCode === 200 ? resolve() : reject(new Error(`raw PUT ${response.statusCode}`))));
      });
      request.on("error", reject);
      fs.createReadStream(weights).pipe(request);
    });
    times.raw!.push((performance.now() - started) / 1000);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  for (const round of Array.from({ length: ROUNDS }, (_, i) => i)) {
    for (const file of fs.readdirSync(folder)) {
      if (!hub.file("model", `bench/studio-${round}`, file)?.equals(fs.readFileSync(path.join(folder, file)))) throw new Error(`studio-${round}/${file} differs`);
    }
  }
  await hub.close();

  const mib = bytes / 2 ** 20;
  const studio = median(times.studio!);
  const plain = median(times.plain!);
  const raw = median(times.raw!);
  printTable(
    `Hub push of a ${mib.toFixed(1)} MiB model folder to the loopback stand-in, median of ${ROUNDS} rounds (CPU probe ${probe} ms)`,
    ["path", "seconds (median)", "all runs", "MiB/s", "vs plain upload_folder"],
    [
      ["studio push (the job's spawn: python -m studio_trainer.push)", studio.toFixed(2), times.studio!.map((t) => t.toFixed(2)).join(" "), (mib / studio).toFixed(1), `${(((studio - plain) / plain) * 100).toFixed(1)}%`],
      ["plain HfApi.upload_folder (python script)", plain.toFixed(2), times.plain!.map((t) => t.toFixed(2)).join(" "), (mib / plain).toFixed(1), "—"],
      ["raw HTTP PUT of the weights (Node)", raw.toFixed(2), times.raw!.map((t) => t.toFixed(2)).join(" "), (fs.statSync(weights).size / 2 ** 20 / raw).toFixed(1), ""],
    ],
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
