/** `npm run bench`: every benchmark in turn, each printing its table. */
import { execFileSync } from "node:child_process";
import path from "node:path";

for (const script of ["import.ts", "records-page.ts", "records-http.ts", "training.ts"]) {
  execFileSync(process.execPath, [require.resolve("tsx/cli"), path.join(__dirname, script), ...process.argv.slice(2)], { stdio: "inherit" });
}
