/**
 * The hook of the secret-leak test (tests/auth/secret-leaks.test.ts): runs that use the studio's
 * secrets, each leaving behind what the test then greps for the secret values. The test runs its own
 * (a reward model, then PPO scored by it, predicted with through tRPC) and then every run listed
 * here: the Hub push and the OpenAI fine-tune add theirs (push to the Hub stand-in with the HF token,
 * a fine-tune against the provider stand-in with its key) by appending to LEAK_RUNS.
 */
import type { Studio } from "../training-runs/frameworks";

export interface LeakRunContext {
  studio: Studio;
  /** A tRPC call through the real HTTP handler as the admin; its body is recorded for the grep. */
  call(procedure: string, input: unknown, method?: "GET" | "POST"): Promise<unknown>;
  /** A training job of this file that succeeded: its id (for a push or a predict). */
  trainedJobIds: string[];
  /** The values set as secrets: the HF token and one provider's (name, base URL, key). */
  secrets: { hfToken: string; provider: { name: string; baseUrl: string; apiKey: string } };
}

export interface LeakRunOutput {
  /** Folders to grep (a push's staging folder, a stand-in's received files are not: those are the remote's). */
  dirs?: string[];
  /** Text the run saw that is not a tRPC body (an HTTP route's answer, a CLI's stdout). */
  texts?: string[];
}

export interface LeakRun {
  name: string;
  run(context: LeakRunContext): Promise<LeakRunOutput>;
}

export const LEAK_RUNS: LeakRun[] = [];
