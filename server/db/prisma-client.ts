/**
 * Generates the Prisma client when it is missing or older than prisma/schema.prisma. `npm ci`
 * does not run Prisma's install scripts (npm's allowScripts), so start and test do it.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "../env";

export function ensurePrismaClient(root = process.cwd()): void {
  const schema = path.join(root, "prisma", "schema.prisma");
  const stamp = path.join(root, "node_modules", ".prisma", "client", "studio-schema.sha256");
  const hash = crypto.createHash("sha256").update(fs.readFileSync(schema)).digest("hex");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === hash) return;
  console.error("Generating the Prisma client…");
  execFileSync(process.execPath, [path.join(root, "node_modules", "prisma", "build", "index.js"), "generate"], {
    cwd: root,
    // generate only reads the schema; the URL is never connected to
    env: { ...process.env, DATABASE_URL: env.DATABASE_URL ?? "postgresql://localhost/unused", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  fs.writeFileSync(stamp, hash);
}
