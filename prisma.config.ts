// Prisma CLI configuration. These machines cannot download Prisma's native engines, so the CLI
// runs migrations on its WASM engine through a driver adapter. adapter-pg 6.19 cannot read
// Postgres' `name` columns during `migrate deploy`; 7.10's can, hence the aliased package.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg-v7";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL must be set for Prisma CLI commands");
    return new PrismaPg({ connectionString });
  },
});
