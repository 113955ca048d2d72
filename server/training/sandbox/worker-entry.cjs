// Entry point of the sandbox worker thread (see worker-pool.ts). Plain JavaScript on purpose:
// it is loaded by Node from this real path in every setting (tsx, vitest, `next start`, whose
// bundles cannot start a worker from their own chunks), and lets tsx compile the TypeScript
// sandbox for this thread only (a namespaced require; nothing global is registered).
"use strict";
const { register } = require("tsx/cjs/api");
const tsx = register({ namespace: "feedback-studio-sandbox-worker" });
tsx.require("./sandbox-worker.ts", __filename);
