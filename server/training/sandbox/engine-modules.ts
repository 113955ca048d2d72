/**
 * WebAssembly instances of QuickJS. Each sandbox gets its own, for two reasons:
 * - The memory limit. QuickJS's own limit (runtime.setMemoryLimit) does not hold under
 *   Emscripten: it cannot ask malloc for block sizes, so it counts 8 bytes per allocation and a
 *   function can fill gigabytes of arrays under a "64 MiB" limit. Capping the instance's
 *   WebAssembly.Memory is a limit QuickJS cannot exceed: malloc fails and QuickJS throws its
 *   ordinary "out of memory".
 * - Crash isolation: a sandbox whose engine crashes (a wasm trap, or a host stack overflow inside
 *   wasm) cannot take other sandboxes with it.
 * An instance costs ~10 ms to create; its memory is committed as it is used and released with it.
 *
 * One spare instance per memory size is kept ready: recovering from a crash happens inside the
 * synchronous `call()`, and instantiating WebAssembly is asynchronous.
 */
import { newQuickJSWASMModule, newVariant, RELEASE_SYNC, type CustomizeVariantOptions, type QuickJSWASMModule } from "quickjs-emscripten";

import { BASE_MEMORY_BYTES } from "./protocol";

const WASM_PAGE_BYTES = 64 * 1024;

const spares = new Map<number, QuickJSWASMModule>();
const refilling = new Map<number, Promise<void>>();

/** A QuickJS instance whose heap cannot grow past `memoryBytes`. */
export function newEngineModule(memoryBytes: number): Promise<QuickJSWASMModule> {
  const wasmMemory = new WebAssembly.Memory({
    initial: BASE_MEMORY_BYTES / WASM_PAGE_BYTES,
    maximum: Math.ceil((BASE_MEMORY_BYTES + memoryBytes) / WASM_PAGE_BYTES),
  });
  // Emscripten prints aborts (e.g. a failed assertion while freeing a broken runtime) to stderr;
  // the sandbox already turns them into errors and replaces the instance.
  const quiet = { print: () => {}, printErr: () => {} } as CustomizeVariantOptions["emscriptenModule"];
  return newQuickJSWASMModule(newVariant(RELEASE_SYNC, { wasmMemory, emscriptenModule: quiet }));
}

export function ensureSpareEngineModule(memoryBytes: number): Promise<void> {
  if (spares.has(memoryBytes)) return Promise.resolve();
  let pending = refilling.get(memoryBytes);
  if (!pending) {
    pending = newEngineModule(memoryBytes)
      .then((module) => {
        spares.set(memoryBytes, module);
      })
      .finally(() => refilling.delete(memoryBytes));
    refilling.set(memoryBytes, pending);
  }
  return pending;
}

/** The spare instance, if one is ready; a replacement is prepared in the background. */
export function takeSpareEngineModule(memoryBytes: number): QuickJSWASMModule | undefined {
  const module = spares.get(memoryBytes);
  spares.delete(memoryBytes);
  ensureSpareEngineModule(memoryBytes).catch(() => {
    // Nothing to do: the next crash finds no spare and says so; the next sandbox retries.
  });
  return module;
}
