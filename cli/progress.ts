/** A one-line progress bar on stderr (stdout stays clean for --json). */
export function progressBar(label: string) {
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  return {
    update(done: number, total: number | null) {
      const now = Date.now();
      if (now - lastDraw < (tty ? 100 : 2000)) return;
      lastDraw = now;
      const width = 30;
      const bar = total ? "█".repeat(Math.round((done / total) * width)).padEnd(width, "░") : "";
      const text = total ? `${label} ${bar} ${done.toLocaleString("en")}/${total.toLocaleString("en")} rows` : `${label} ${done.toLocaleString("en")} rows`;
      process.stderr.write(tty ? `\r${text}` : `${text}\n`);
    },
    done() {
      if (tty) process.stderr.write("\n");
    },
  };
}
