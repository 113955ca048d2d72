/** `studio env`: makes the training environment (on first need, else checks it) and says what it holds. */
import type { EnvironmentProgress } from "../server/training-env";
import type { Command } from "./context";

/**
 * The bootstrap's progress on stderr: the message and a bar when the step count is known, redrawn in
 * place on a terminal; elsewhere (a CI log) a line every 2 s at most.
 */
export function environmentProgressBar() {
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  let drawn = false;
  return {
    update({ step, total, message }: EnvironmentProgress) {
      const now = Date.now();
      if (now - lastDraw < (tty ? 100 : 2000)) return;
      lastDraw = now;
      drawn = true;
      const width = 20;
      const bar = total ? ` ${"█".repeat(Math.round((Math.min(step, total) / total) * width)).padEnd(width, "░")} ${step}/${total}` : "";
      process.stderr.write(tty ? `\r\x1b[K${message}${bar}` : `${message}${bar}\n`);
    },
    done() {
      if (tty && drawn) process.stderr.write("\n");
    },
  };
}

export const commands: Record<string, Command> = {
  env: {
    usage: "studio env [--json]   (builds the training environment in STUDIO_HOME/python on first need; STUDIO_PYTHON names one instead)",
    async run(_args, ctx) {
      const { ensureTrainingEnvironment, environmentVersions, overlayTrlVersion } = await import("../server/training-env");
      const started = performance.now();
      const bar = environmentProgressBar();
      const environment = await ensureTrainingEnvironment({ onProgress: (progress) => bar.update(progress) });
      bar.done();
      const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
      const versions = await environmentVersions(environment.python);
      const ppoTrl = overlayTrlVersion(environment.ppoOverlay);
      if (!ctx.json) {
        ctx.out(`python        ${environment.python} (Python ${versions.python})`);
        ctx.out(`torch         ${versions.torch}`);
        ctx.out(`transformers  ${versions.transformers}`);
        ctx.out(`trl           ${versions.trl} (PPO overlay: trl ${ppoTrl ?? "?"} in ${environment.ppoOverlay})`);
        ctx.out(`ready in ${seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(1)} s`}`);
      }
      return { ...environment, versions: { ...versions, ppoTrl }, seconds };
    },
  },
};
