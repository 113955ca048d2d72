/**
 * The environment of a Python child (the training worker, a predict process). Built from an
 * allow-list, not by deleting known secrets from process.env: the studio's own environment holds
 * STUDIO_SECRET_KEY, STUDIO_AUTH_SECRET, STUDIO_ADMIN_PASSWORD and DATABASE_URL (with its password),
 * and whatever else a deployment adds (a cloud key, a second database URL) would reach the child,
 * and the user code it runs (formatting functions are sandboxed, trust_remote_code models are not),
 * under a deny-list. The child gets only what locates the system (PATH, HOME, locale, temp), the
 * network's proxies and certificates, and device and thread settings; its secrets come only from
 * the studio's secret store (runnerEnvironment), passed by the caller.
 */
import path from "node:path";
import { env } from "../env";
import { defaultTrainerDir } from "../training-env/requirements";

const INHERITED: ReadonlySet<string> = new Set([
  "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "LD_LIBRARY_PATH",
  "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
  "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
  "XDG_CACHE_HOME", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
  "HF_ENDPOINT", "HF_HUB_OFFLINE", "HF_HUB_ETAG_TIMEOUT", "HF_HUB_DOWNLOAD_TIMEOUT", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE",
]);
/** Device and threading families (CUDA_VISIBLE_DEVICES, NCCL_*, PYTORCH_CUDA_ALLOC_CONF, …) and the locale. */
const INHERITED_PREFIXES = ["LC_", "CUDA_", "NVIDIA_", "NCCL_", "PYTORCH_", "TORCH_", "ACCELERATE_"];
/** Even an allowed family never passes a name that says it holds a credential. */
const CREDENTIAL_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE|CREDENTIAL/i;

/** The allowed part of `from` (default process.env); typed as an environment for spawn. */
export function inheritedEnvironment(from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(from)) {
    if (value === undefined || CREDENTIAL_NAME.test(name)) continue;
    if (INHERITED.has(name) || INHERITED_PREFIXES.some((prefix) => name.startsWith(prefix))) environment[name] = value;
  }
  return environment as NodeJS.ProcessEnv;
}

/**
 * What every studio_trainer process gets (the training worker, a predict process, a push): the
 * allow-list above, the package on the path, the Hub cache in the studio home, unbuffered output and
 * no telemetry. `extra` adds the process's own settings (and a caller's secrets).
 */
export function pythonChildEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...inheritedEnvironment(),
    PYTHONPATH: defaultTrainerDir(),
    PYTHONUNBUFFERED: "1",
    HF_HOME: path.join(env.STUDIO_HOME, "huggingface"),
    HF_HUB_DISABLE_TELEMETRY: "1",
    ...extra,
  };
}
