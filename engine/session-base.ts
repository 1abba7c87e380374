/**
 * The shape every session of the stack shares — rr's `Session` base under its
 * `RecordSession` and `ReplaySession`: one stack, and a single `step()` that moves
 * it forward by one input (an ioctl, a process operation, a memory write, an API
 * call…), whatever drives it. Replay levels differ only in what a step feeds in;
 * the loop around it (stop requests, progress, the end) is written once, here.
 *
 * Model
 * - `step()` applies at most one input and says whether more remain. It never
 *   throws for bad input: a step that cannot be applied ends the session with
 *   `{ done: true, error }`, which `run` returns as is.
 * - `run` calls `step()` until the session is done or `shouldStop()` holds (a
 *   verifier that saw a divergence), checked before every step.
 * - The engine stays pure: a session reads its inputs through whatever the subclass
 *   was given (a capture cursor lives in replayer/, never here).
 *
 * Example:
 *   class Countdown extends Session { n = 3; step() { return --this.n > 0 ? { done: false } : { done: true } } }
 *   new Countdown(createStack()).run()   // → { done: true, steps: 3, stopped: false }
 */
import type { Stack } from './stack';

export type StepResult =
  | { readonly done: false }
  | { readonly done: true; readonly error?: string };

export interface RunSummary {
  /** Steps taken by this call. */
  readonly steps: number;
  /** `shouldStop` ended the run before the session was done. */
  readonly stopped: boolean;
  /** Why the session could not go on (unset when it ran to its end or was stopped). */
  readonly error?: string;
}

export abstract class Session {
  /** Steps taken over the session's life. */
  stepsTaken = 0;

  constructor(readonly stack: Stack) {}

  /** Apply the next input. */
  abstract step(): StepResult;

  run(shouldStop: () => boolean = () => false): RunSummary {
    let steps = 0;
    for (;;) {
      if (shouldStop()) return { steps, stopped: true };
      const r = this.step();
      steps++;
      this.stepsTaken++;
      if (r.done) return r.error === undefined ? { steps, stopped: false } : { steps, stopped: false, error: r.error };
    }
  }
}
