/**
 * Helpers to simulate annotation: stable annotator ids, response statuses, and vote plans that
 * produce agreement, majorities, exact ties and noise among the submitted responses.
 */
import type { AnswerValue, ExportResponse, ResponseStatus } from "./export-format";
import { Rng } from "./prng";

/** `n` annotator UUIDs that depend only on `name` (stable across runs and record counts). */
export function stableUsers(name: string, n: number): string[] {
  const rng = new Rng(`users:${name}`);
  return Array.from({ length: n }, () => rng.uuid());
}

export function drawStatus(rng: Rng, pDraft = 0.08, pDiscarded = 0.04): ResponseStatus {
  const r = rng.next();
  return r < pDraft ? "draft" : r < pDraft + pDiscarded ? "discarded" : "submitted";
}

/**
 * How the submitted votes of one record relate to the "true" value:
 * agree: all the same; majority: one dissenter (needs >= 3 voters); tie: an exact tie between the
 * top values (2 voters: two values, 3: three values, 4: 2 vs 2); noisy: each voter independently.
 */
export type VotePlan = "agree" | "majority" | "tie" | "noisy";

export function drawPlan(rng: Rng, w: { agree: number; majority: number; tie: number; noisy: number }): VotePlan {
  return rng.weighted<VotePlan>(["agree", "majority", "tie", "noisy"], [w.agree, w.majority, w.tie, w.noisy]);
}

/**
 * Values for `n` submitted voters. `alt(exclude)` returns a plausible value different from all of
 * `exclude`, or undefined when none is left. `pTruth` is used by the noisy plan.
 */
export function planVotes<T>(rng: Rng, plan: VotePlan, n: number, truth: T, alt: (exclude: T[]) => T | undefined, pTruth = 0.75): T[] {
  if (n <= 0) return [];
  const votes: T[] = Array.from({ length: n }, () => truth);
  if (plan === "majority" && n >= 3) {
    const a = alt([truth]);
    if (a !== undefined) votes[rng.int(0, n - 1)] = a;
  } else if (plan === "tie" && n >= 2) {
    const a = alt([truth]);
    if (a !== undefined) {
      if (n % 2 === 0) {
        for (let i = n / 2; i < n; i++) votes[i] = a;
      } else {
        const b = alt([truth, a]);
        if (n === 3 && b !== undefined) {
          votes[1] = a;
          votes[2] = b;
        } else {
          // odd count without enough distinct values: an even tie between the first n-1 voters
          for (let i = (n - 1) / 2; i < n - 1; i++) votes[i] = a;
          votes[n - 1] = b ?? a;
        }
      }
      return rng.shuffle(votes);
    }
  } else if (plan === "noisy") {
    for (let i = 0; i < n; i++) if (!rng.chance(pTruth)) votes[i] = alt([truth]) ?? truth;
  }
  return votes;
}

/** A value different from those in `exclude`, drawn uniformly from `options`. */
export function altFrom<T>(rng: Rng, options: readonly T[]): (exclude: T[]) => T | undefined {
  return (exclude) => {
    const rest = options.filter((o) => !exclude.includes(o));
    return rest.length ? rng.pick(rest) : undefined;
  };
}

/**
 * Assembles responses: `statuses[i]` for `users[i]`; submitted responders get the next value of
 * `submittedValues`, the others get `otherValue()` (drafts and discarded responses).
 */
export function assemble(
  users: string[],
  statuses: ResponseStatus[],
  submittedValues: Record<string, AnswerValue>[],
  otherValue: () => Record<string, AnswerValue>,
): ExportResponse[] {
  let k = 0;
  return users.map((user_id, i) => ({
    user_id,
    status: statuses[i],
    values: statuses[i] === "submitted" ? submittedValues[k++] : otherValue(),
  }));
}
