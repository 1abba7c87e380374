/**
 * App threads are interleaved by the seeded scheduler, and every switch is an event,
 * so a capture holds the interleaving replay must force.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../engine/apps/app';
import { runApp } from '../../engine/session';
import { MemorySink } from '../../engine/trace/sink';

function threadsApp(order: number[]): App {
  return {
    name: 'threads',
    description: 'three threads of five steps',
    run(ctx) {
      ctx.runThreads([0, 1, 2].map((t) => function* () {
        for (let i = 0; i < 5; i++) {
          order.push(t);
          yield;
        }
      }));
    },
  };
}

function run(seed: number): { order: number[]; switches: number[] } {
  const order: number[] = [];
  const sink = new MemorySink();
  const r = runApp(threadsApp(order), { seed, sink });
  expect(r.error).toBeUndefined();
  return { order, switches: sink.events.flatMap((e) => (e.kind === 'app.thread_switch' ? [e.thread] : [])) };
}

/** The run-length compression of an execution order: who ran, each time the thread changed. */
const runs = (order: readonly number[]): number[] => order.filter((t, i) => i === 0 || order[i - 1] !== t);

describe('app threads', () => {
  it('every switch is recorded, in the order the threads actually ran', () => {
    const { order, switches } = run(1);
    expect(order).toHaveLength(15);
    expect(switches).toEqual(runs(order));
  });

  it('the seed decides the interleaving: same seed same order, another seed another order', () => {
    expect(run(1).order).toEqual(run(1).order);
    const orders = new Set([1, 2, 3, 4].map((s) => run(s).order.join('')));
    expect(orders.size).toBeGreaterThan(1);
  });
});
