import { afterEach, describe, expect, it, vi } from "vitest";
import { newUploadId } from "./upload-files";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newUploadId", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("makes a v4 UUID even where crypto.randomUUID is missing (plain http)", () => {
    const real = globalThis.crypto;
    vi.stubGlobal("crypto", { getRandomValues: (a: Uint8Array) => real.getRandomValues(a) });
    const id = newUploadId();
    expect(id).toMatch(UUID_V4);
    expect(newUploadId()).not.toBe(id);
  });

  it("uses crypto.randomUUID when it exists", () => {
    expect(newUploadId()).toMatch(UUID_V4);
  });
});
