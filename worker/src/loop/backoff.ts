// How long the worker waits before asking the manager again. Waits grow while the answer stays
// the same (no work, manager away) and start small again as soon as something changes. Each
// wait is spread by a random share, so that workers started together do not ask together.

export interface BackoffPolicy {
  /** The first wait. */
  initialMs: number;
  /** No wait grows past this (before the random spread). */
  maximumMs: number;
  /** Each further wait is the previous one times this. */
  factor: number;
  /** The share by which a wait is spread either way: 0.1 means ±10 %. */
  jitter: number;
}

/** Nothing to do: ask again soon, then less and less often (Flamenco waits 20 s every time). */
export const NO_TASK_BACKOFF: BackoffPolicy = { initialMs: 1_000, maximumMs: 15_000, factor: 1.5, jitter: 0.1 };

/** The manager cannot be reached or is busy: Flamenco waits a minute; this starts sooner. */
export const UNREACHABLE_BACKOFF: BackoffPolicy = { initialMs: 1_000, maximumMs: 60_000, factor: 2, jitter: 0.2 };

/** The wait before attempt number `attempt` (0 for the first retry) under `policy`; `random` gives [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maximumMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
  const spread = base * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base + spread));
}

/** Counts the attempts that have failed in a row, for one policy. */
export class Backoff {
  readonly #policy: BackoffPolicy;
  readonly #random: () => number;
  #attempt = 0;

  constructor(policy: BackoffPolicy, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  /** The wait before the next attempt; each call makes the following one longer. */
  next(): number {
    return backoffDelay(this.#policy, this.#attempt++, this.#random);
  }

  /** Things went well: the next wait is the first one again. */
  reset(): void {
    this.#attempt = 0;
  }
}
