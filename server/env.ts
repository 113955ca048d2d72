/** Environment, validated once (the create-t3-app habit): every setting the server reads is here. */
import path from "node:path";
import { z } from "zod";

const envSchema = z.object({
  /** A PostgreSQL server to use. Unset: the studio starts its own embedded PostgreSQL. */
  DATABASE_URL: z.string().url().optional(),
  /** Where the studio keeps its own data: the embedded database, uploads, runs. */
  STUDIO_HOME: z.string().min(1).default(path.resolve(process.cwd(), ".studio")),
  /** First port tried for the embedded PostgreSQL. */
  STUDIO_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  PORT: z.coerce.number().int().default(3000),
});

export type Env = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse({
    ...source,
    DATABASE_URL: source.DATABASE_URL || undefined,
    STUDIO_HOME: source.STUDIO_HOME ? path.resolve(source.STUDIO_HOME) : undefined,
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${issues}`);
  }
  return parsed.data;
}
