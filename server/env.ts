/**
 * The studio's settings, validated once (the create-t3-app habit): every variable the studio's own
 * code reads is declared here and read through `env`. An empty string counts as unset.
 */
import path from "node:path";
import { z } from "zod";

const MiB = 2 ** 20;

/** A comma-separated list; empty entries dropped. */
const list = z
  .string()
  .optional()
  .transform((value) => (value ? value.split(",").map((item) => item.trim()).filter(Boolean) : []));

const envSchema = z.object({
  /** A PostgreSQL server to use. Unset: the studio starts its own embedded PostgreSQL. */
  DATABASE_URL: z.string().url().optional(),
  /** Where the studio keeps its own data: the embedded database, uploads, runs. */
  STUDIO_HOME: z.string().min(1).default(() => path.resolve(".studio")),
  /** First port tried for the embedded PostgreSQL. */
  STUDIO_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  PORT: z.coerce.number().int().default(3000),
  /** The web app's build folder: a second one lets a benchmark or a browser-test run build beside a running studio. */
  STUDIO_NEXT_DIST: z.string().min(1).default(".next"),
  /** For test runs: `npm start` deletes STUDIO_HOME (database, uploads) when it stops. */
  STUDIO_EPHEMERAL_HOME: z.stringbool().default(false),
  /** The interface the web app listens on. Loopback unless a person opens it (0.0.0.0, a LAN address). */
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Host names (beside localhost, 127.0.0.1 and [::1]) that requests may name in their Host header. */
  STUDIO_ALLOWED_HOSTS: list,
  /**
   * Folders whose files a request may name (path imports, tokenizer and model folders).
   * Unset: the studio home and the shipped samples. Comma-separated absolute paths.
   */
  STUDIO_IMPORT_ROOTS: list,
  /** Largest accepted upload, all files of one upload together. */
  STUDIO_MAX_UPLOAD_MB: z.coerce.number().positive().default(2048),
  /** Limits on extracting an uploaded or named .zip. */
  STUDIO_ZIP_MAX_MB: z.coerce.number().positive().default(4096),
  STUDIO_ZIP_MAX_ENTRIES: z.coerce.number().int().positive().default(10_000),
  STUDIO_ZIP_MAX_RATIO: z.coerce.number().positive().default(200),
  /** Uploads and extraction folders untouched for this long are deleted. */
  STUDIO_UPLOAD_TTL_HOURS: z.coerce.number().positive().default(24),
  /** A worker's slots: heavy jobs (training) and light ones (imports, index builds). */
  STUDIO_WORKER_HEAVY_SLOTS: z.coerce.number().int().min(0).default(1),
  STUDIO_WORKER_LIGHT_SLOTS: z.coerce.number().int().min(0).default(2),
  /** A running job whose worker has not beaten its heartbeat for this long is retried or failed. */
  STUDIO_JOB_STALE_SECONDS: z.coerce.number().positive().default(20),
  /** The first admin's password, for the start that creates it (tests set it). Unset: a one-time password is printed. */
  STUDIO_ADMIN_PASSWORD: z.string().min(12).optional(),
  /** The first admin's email, their sign-in name. */
  STUDIO_ADMIN_EMAIL: z.email().default("admin@studio.local"),
  /** Encrypts the secrets (Hugging Face token, provider keys) at rest. Unset: a random key kept in STUDIO_HOME/secret.key (mode 0600). */
  STUDIO_SECRET_KEY: z.string().min(32).optional(),
  /** Signs session cookies. Unset: a random key kept in STUDIO_HOME/auth.secret (mode 0600). */
  STUDIO_AUTH_SECRET: z.string().min(32).optional(),
  /** Where training jobs keep their folders (jobs/<id>/) when remote workers share one. Unset: STUDIO_HOME. */
  STUDIO_ARTIFACTS: z.string().min(1).optional(),
  /** Runs a training job gets when its worker dies (each resumes from the last checkpoint). */
  STUDIO_TRAINING_ATTEMPTS: z.coerce.number().int().min(1).default(3),
  /** The python of an existing training environment (or its venv folder). Unset: the studio builds one in STUDIO_HOME/python. */
  STUDIO_PYTHON: z.string().min(1).optional(),
  /** The Hugging Face Hub that pushes go to (a private Hub, or the tests' stand-in). */
  HF_ENDPOINT: z.url().default("https://huggingface.co"),
  /** Pushes upload large files through the LFS batch API instead of Xet (a Hub that does not serve Xet, such as the tests' stand-in). */
  HF_HUB_DISABLE_XET: z.stringbool().default(false),
  /** A warm predict process (one model loaded) is stopped this long after its last prediction. */
  STUDIO_PREDICT_IDLE_SECONDS: z.coerce.number().positive().default(300),
  /** Live previews one person may have running at once (server/services/limits.ts). */
  STUDIO_USER_MAX_PREVIEWS: z.coerce.number().int().min(1).default(4),
  /** Full diagnostics one person may have running at once. */
  STUDIO_USER_MAX_DIAGNOSTICS: z.coerce.number().int().min(1).default(2),
  /** Training jobs one person may have queued or running at once. */
  STUDIO_USER_MAX_TRAINING_JOBS: z.coerce.number().int().min(1).default(3),
  /** The CLI: a remote studio to call (its tRPC over HTTP) instead of the local database. */
  STUDIO_URL: z.url().optional(),
  /** The CLI: a personal API token of that studio (its API tokens page), sent as Authorization: Bearer. */
  STUDIO_TOKEN: z.string().min(1).optional(),
});

export type Env = z.infer<typeof envSchema>;

/** Parses a set of variables (an empty string counts as unset); throws naming every invalid one. */
export function readEnv(source: Readonly<Record<string, string | undefined>> = process.env): Env {
  const given = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== "" && value !== undefined));
  const parsed = envSchema.safeParse({
    ...given,
    STUDIO_HOME: given.STUDIO_HOME ? path.resolve(given.STUDIO_HOME) : undefined,
    STUDIO_ARTIFACTS: given.STUDIO_ARTIFACTS ? path.resolve(given.STUDIO_ARTIFACTS) : undefined,
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${issues}`);
  }
  return parsed.data;
}

const ENV_KEYS = Object.keys(envSchema.shape) as (keyof Env)[];

let current: { fingerprint: string; env: Env } | undefined;

/**
 * The parsed settings, parsed again only when one of the schema's variables (or the working
 * directory, which relative paths resolve against) changed since: never in a running studio, but a
 * test's vi.stubEnv is seen. The fingerprint costs ~20 variable reads per access.
 */
function currentEnv(): Env {
  const fingerprint = [process.cwd(), ...ENV_KEYS.map((key) => process.env[key] ?? "")].join("\0");
  if (current?.fingerprint !== fingerprint) current = { fingerprint, env: readEnv(process.env) };
  return current.env;
}

/** The studio's settings (see envSchema), read through here everywhere. Invalid settings throw on first read. */
export const env: Readonly<Env> = Object.defineProperties(
  {} as Env,
  Object.fromEntries(ENV_KEYS.map((key) => [key, { enumerable: true, get: () => currentEnv()[key] }])),
);

export const bytesFromMb = (mb: number): number => Math.round(mb * MiB);
