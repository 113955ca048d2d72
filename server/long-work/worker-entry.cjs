// Entry point of a long-work thread (see pool.ts). Plain JavaScript for the same reason as the
// formatting sandbox's worker-entry.cjs: Node loads it from this real path under tsx, vitest and
// `next start` (whose bundles cannot start a worker from their own chunks), and tsx compiles the
// TypeScript server code for this thread only (a namespaced require; nothing global is registered).
"use strict";
const { register } = require("tsx/cjs/api");
const tsx = register({ namespace: "feedback-studio-long-work" });
tsx.require("./thread.ts", __filename);
