/**
 * Takes the next message a worker thread posts on a port, from a thread that stays
 * synchronous (no event loop turn): it blocks in Atomics.wait on a counter the worker
 * bumps after each post, and counts each message taken, so a worker that keeps at most
 * N messages ahead of the count knows when to go on. Used by the readers that feed a
 * one-pass consumer from a worker (capture/event-pages.ts, replayer/diff/row-feed.ts).
 *
 * Shared counters: counters[POSTED] (the worker adds 1 and notifies after each post),
 * counters[TAKEN] (added to and notified here).
 *
 * Example: const m = receiveBlocking(port, counters, 20_000); // → the message, or undefined after 20 s of nothing
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

export const POSTED = 0;
export const TAKEN = 1;

export function receiveBlocking(port: MessagePort, counters: Int32Array, timeoutMs: number): unknown {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Read the count before looking: a message posted after this read makes the wait return at once.
    const seen = Atomics.load(counters, POSTED);
    const got = receiveMessageOnPort(port);
    if (got) {
      Atomics.add(counters, TAKEN, 1);
      Atomics.notify(counters, TAKEN);
      return got.message;
    }
    if (Date.now() > deadline) return undefined;
    Atomics.wait(counters, POSTED, seen, 1000);
  }
}
