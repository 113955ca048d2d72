/**
 * The studio CLI: `npx studio <command>`. Uses DATABASE_URL, else the embedded database in
 * STUDIO_HOME (started for the command and stopped after, or shared if the studio is running);
 * with STUDIO_URL and STUDIO_TOKEN, a remote studio's tRPC over HTTP instead (cli/remote.ts).
 * With --json the last line printed is one JSON object.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { ensurePrismaClient } from "../server/db/prisma-client";
import { progressBar } from "./progress";
import { commands as trainingCommands } from "./prepare";

import { formatCount } from "../components/format";
import { withDatabase, type Command } from "./context";
import { commands as jobCommands } from "./jobs";
import { commands as trainingEnvCommands } from "./training-env";
import { commands as trainCommands } from "./train";
import { commands as predictCommands } from "./predict";
import { commands as finetuneCommands } from "./finetune";
import { commands as pushCommands } from "./push";
import { localOnly, remoteCommands, remoteStudio } from "./remote";

const commands: Record<string, Command> = {
  import: {
    usage: "studio import <path: folder or .zip> [--name NAME] [--json]",
    async run(args, ctx) {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: "string" }, json: { type: "boolean" } } });
      if (positionals.length !== 1) throw new Error(`usage: ${this.usage}`);
      const { importFromPath } = await import("../server/services/imports");
      const bar = progressBar("Importing");
      const summary = await withDatabase((db) =>
        importFromPath(db.bulk, path.resolve(positionals[0]), { name: values.name, onProgress: (p) => bar.update(p.rowsRead, p.totalRows) }),
      );
      bar.done();
      if (!ctx.json) ctx.out(`Imported "${summary.dataset}": ${summary.records} records, ${summary.responses} responses, ${summary.suggestions} suggestions, ${summary.annotators} annotators`);
      return { dataset: summary.dataset, records: summary.records, responses: summary.responses, suggestions: summary.suggestions };
    },
  },
  datasets: {
    usage: "studio datasets [--json]",
    async run(_args, ctx) {
      const { listDatasets } = await import("../server/db/datasets");
      const datasets = await withDatabase((db) => listDatasets(db.pool));
      if (!ctx.json) {
        if (datasets.length === 0) ctx.out("No datasets yet: `studio import <path>`");
        for (const d of datasets) ctx.out(`${d.name}\t${formatCount(d.recordCount, "record")}\t${formatCount(d.annotatorCount, "annotator")}\t${formatCount(d.questionCount, "question")}\timported ${d.importedAt.toISOString()}`);
      }
      return { datasets: datasets.map((d) => ({ ...d, importedAt: d.importedAt.toISOString() })) };
    },
  },
  records: {
    usage: "studio records <dataset> [--limit N] [--json]",
    async run(args, ctx) {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { limit: { type: "string", default: "10" }, json: { type: "boolean" } } });
      if (positionals.length !== 1) throw new Error(`usage: ${this.usage}`);
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new Error("--limit must be a positive integer");
      const { getDataset } = await import("../server/db/datasets");
      const { listRecords } = await import("../server/db/records");
      const page = await withDatabase(async (db) => {
        const dataset = await getDataset(db.pool, positionals[0]);
        return listRecords(db.pool, dataset, { limit });
      });
      if (!ctx.json) {
        for (const r of page.records) {
          const text = Object.values(r.fields).find((v) => v) ?? "";
          ctx.out(`#${r.index}\t${r.responses.length} responses\t${text.replace(/\s+/g, " ").slice(0, 100)}`);
        }
      }
      return { records: page.records };
    },
  },
  ...trainingCommands,
  ...jobCommands,
  ...trainingEnvCommands,
  ...trainCommands,
  ...predictCommands,
  ...finetuneCommands,
  ...pushCommands,
};

function help(): string {
  return ["Feedback Studio CLI", "", ...Object.values(commands).map((c) => `  ${c.usage}`)].join("\n");
}

async function main(argv: string[]) {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "help") {
    console.log(help());
    return;
  }
  if (!commands[name]) {
    console.error(`Unknown command "${name}".\n\n${help()}`);
    process.exit(2);
  }
  const json = args.includes("--json");
  try {
    // STUDIO_URL: the remote studio's tRPC over HTTP (cli/remote.ts); otherwise this machine's database.
    const remote = await remoteStudio();
    const usage = Object.fromEntries(Object.entries(commands).map(([key, c]) => [key, c.usage]));
    const command = remote ? (remoteCommands(remote, usage)[name] ?? localOnly(name, commands[name].usage)) : commands[name];
    if (!remote) ensurePrismaClient(path.resolve(__dirname, ".."));
    const result = await command.run(args, { json, out: (line) => console.log(line) });
    if (json) console.log(JSON.stringify(result));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (json) console.log(JSON.stringify({ error: message }));
    else console.error(`Error: ${message}`);
    process.exit(1);
  }
}

void main(process.argv.slice(2));
