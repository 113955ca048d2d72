#!/usr/bin/env node
/**
 * The npm registry mirror on our build machines lacks some platform-specific optional packages
 * (e.g. @next/swc-darwin-arm64), so `npm install` leaves them out of package-lock.json and
 * `npm ci` then refuses the lock file. This adds a stub entry (version, optional, os, cpu) for each
 * missing optional dependency; npm skips it on other platforms and fetches it where it applies.
 * Run after `npm install`: `node scripts/complete-lockfile.mjs`.
 */
import fs from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
const OS = { android: "android", darwin: "darwin", freebsd: "freebsd", linux: "linux", win32: "win32", wasm32: null };
const CPU = ["arm64", "x64", "arm", "ia32", "wasm32"];

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => p in OS);
  const cpu = parts.find((p) => CPU.includes(p));
  return { ...(os && OS[os] ? { os: [OS[os]] } : {}), ...(cpu ? { cpu: [cpu] } : {}) };
}

let added = 0;
for (const [, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (lock.packages[key]) continue;
    lock.packages[key] = { version, license: "UNKNOWN", optional: true, ...platformOf(dep) };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
console.log(`complete-lockfile: added ${added} optional platform entries`);
