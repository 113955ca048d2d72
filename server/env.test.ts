import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { env, readEnv } from "./env";

afterEach(() => vi.unstubAllEnvs());

describe("readEnv", () => {
  it("gives every default when nothing is set", () => {
    const parsed = readEnv({});
    expect(parsed.DATABASE_URL).toBeUndefined();
    expect(parsed).toMatchObject({
      STUDIO_HOME: path.resolve(".studio"),
      PORT: 3000,
      HOST: "127.0.0.1",
      STUDIO_NEXT_DIST: ".next",
      STUDIO_IMPORT_ROOTS: [],
      STUDIO_ZIP_MAX_MB: 4096,
      STUDIO_WORKER_HEAVY_SLOTS: 1,
    });
  });

  it("counts an empty string as unset", () => {
    const parsed = readEnv({ DATABASE_URL: "", STUDIO_HOME: "", PORT: "", HOST: "", STUDIO_IMPORT_ROOTS: "", STUDIO_NEXT_DIST: "" });
    expect(parsed).toEqual(readEnv({}));
  });

  it("coerces numbers, splits lists and resolves STUDIO_HOME", () => {
    const parsed = readEnv({ PORT: "3100", STUDIO_IMPORT_ROOTS: "/a, ,/b,", STUDIO_HOME: "rel/home" });
    expect(parsed.PORT).toBe(3100);
    expect(parsed.STUDIO_IMPORT_ROOTS).toEqual(["/a", "/b"]);
    expect(parsed.STUDIO_HOME).toBe(path.resolve("rel/home"));
  });

  it("names every invalid variable", () => {
    expect(() => readEnv({ PORT: "x", DATABASE_URL: "not a url" })).toThrow(/Invalid environment: .*DATABASE_URL.*PORT|Invalid environment: .*PORT.*DATABASE_URL/);
  });
});

describe("env", () => {
  it("sees a stubbed change, and an unstubbed one", () => {
    vi.stubEnv("STUDIO_ZIP_MAX_MB", "7");
    expect(env.STUDIO_ZIP_MAX_MB).toBe(7);
    vi.stubEnv("STUDIO_ZIP_MAX_MB", "");
    expect(env.STUDIO_ZIP_MAX_MB).toBe(4096);
    vi.stubEnv("STUDIO_HOME", "/tmp/studio-env-test");
    expect(env.STUDIO_HOME).toBe("/tmp/studio-env-test");
    vi.unstubAllEnvs();
    expect(env.STUDIO_HOME).toBe(readEnv(process.env).STUDIO_HOME);
  });

  it("parses once while nothing changes", () => {
    vi.stubEnv("PORT", "3456");
    const before = { ...env };
    // Variables outside the schema do not count.
    vi.stubEnv("SOME_OTHER_VARIABLE", "changed");
    expect(env.STUDIO_IMPORT_ROOTS).toBe(before.STUDIO_IMPORT_ROOTS);
    expect({ ...env }).toEqual(before);
    expect(Object.keys(env)).toContain("PORT");
  });

  it("throws on an invalid setting when read", () => {
    vi.stubEnv("PORT", "not a port");
    expect(() => env.HOST).toThrow(/PORT/);
  });
});
