/**
 * WebAssembly instances of QuickJS. Each sandbox gets its own (~10 ms to create; its memory is
 * committed lazily and released when the sandbox is dropped), so a sandbox whose engine crashes
 * (a wasm trap, or a host stack overflow inside wasm) cannot take other sandboxes with it.
 *
 * One spare instance is kept ready per process: recovering from a crash happens inside the
 * synchronous `call()`, and instantiating WebAssembly is asynchronous.
 */
import { newQuickJSWASMModule, RELEASE_SYNC, type QuickJSWASMModule } from "quickjs-emscripten";

let spare: QuickJSWASMModule | undefined;
let refilling: Promise<void> | undefined;

export function newEngineModule(): Promise<QuickJSWASMModule> {
  return newQuickJSWASMModule(RELEASE_SYNC);
}

export function ensureSpareEngineModule(): Promise<void> {
  if (spare) return Promise.resolve();
  refilling ??= newEngineModule()
    .then((module) => {
      spare = module;
    })
    .finally(() => {
      refilling = undefined;
    });
  return refilling;
}

/** The spare instance, if one is ready; a replacement is prepared in the background. */
export function takeSpareEngineModule(): QuickJSWASMModule | undefined {
  const module = spare;
  spare = undefined;
  ensureSpareEngineModule().catch(() => {
    // Nothing to do: the next crash finds no spare and reports it; the next sandbox retries.
  });
  return module;
}
