/**
 * Writes the runner configs' JSON Schema into the Python package (`npm run configs:schema`), where
 * config_base.py validates incoming configs with it. `--check` exits 1 when the file is stale.
 */
import fs from "node:fs";
import path from "node:path";
import { configsSchemaDocument } from "./index";

export const CONFIGS_SCHEMA_FILE = path.resolve(import.meta.dirname, "../../../trainer/studio_trainer/protocol/configs.schema.json");

export function configsSchemaText(): string {
  return JSON.stringify(configsSchemaDocument(), null, 2) + "\n";
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const text = configsSchemaText();
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(CONFIGS_SCHEMA_FILE) ? fs.readFileSync(CONFIGS_SCHEMA_FILE, "utf8") : "";
    if (current !== text) {
      console.error(`${path.relative(process.cwd(), CONFIGS_SCHEMA_FILE)} is stale: run npm run configs:schema`);
      process.exit(1);
    }
  } else {
    fs.writeFileSync(CONFIGS_SCHEMA_FILE, text);
    console.log(`wrote ${path.relative(process.cwd(), CONFIGS_SCHEMA_FILE)}`);
  }
}
