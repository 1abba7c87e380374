/**
 * The Verifier on its own: fed nothing, the first recorded event it expected is the
 * divergence (the replay produced less than the capture); fed an event the capture
 * does not have there, that is one; `stopped` is set at the first unless keep-going.
 * And the Session base's loop: `shouldStop` is checked before every step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, type StepResult } from '../../engine/session-base';
import { createStack } from '../../engine/stack';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { regeneratedByIoctlReplay } from '../../replayer/ioctl-replay';
import { Verifier } from '../../replayer/verify';
import { tempDir } from '../support/capture-files';
import { recordSmall } from '../support/small-captures';

const tmp = tempDir();
let reader: CaptureReader;
beforeAll(() => {
  const r = openCapture(recordSmall('triangle', tmp.path('triangle.tfcap')));
  if (!r.ok) throw new Error(r.error.message);
  reader = r.value;
});
afterAll(() => {
  reader.close();
  tmp.remove();
});

describe('Verifier', () => {
  it('a replay that produced nothing diverges at the first event it should have regenerated', () => {
    const v = new Verifier(reader, { regenerates: regeneratedByIoctlReplay });
    v.finish();
    const first = reader.events({ limit: 1 });
    if (!first.ok) throw new Error(first.error.message);
    expect(v.divergences).toHaveLength(1);
    expect(v.divergences[0]).toMatchObject({ seq: first.value[0]!.seq, actual: null, fields: [{ path: 'kind', actual: '(none)' }] });
  });

  it('an unexpected event is a divergence; strict stops at the first, keep-going goes on', () => {
    const bogus = { kind: 'hw.irq', tsNs: 0, line: 'gpu', status: 0xdead } as const;
    const strict = new Verifier(reader, { regenerates: regeneratedByIoctlReplay });
    strict.emit(bogus);
    strict.emit(bogus);
    expect(strict.stopped).toBe(true);
    expect(strict.divergences).toHaveLength(1);
    expect(strict.divergences[0]!.fields[0]).toMatchObject({ path: 'kind', actual: 'hw.irq' });
    const going = new Verifier(reader, { regenerates: regeneratedByIoctlReplay, keepGoing: true });
    going.emit(bogus);
    going.emit(bogus);
    expect(going.stopped).toBe(false);
    expect(going.divergences).toHaveLength(2);
    // Events of kinds the level does not regenerate are not compared.
    going.emit({ kind: 'app.thread_switch', tsNs: 0, pid: 100, thread: 1 });
    expect(going.compared).toBe(2);
  });
});

describe('Session', () => {
  class Countdown extends Session {
    n = 3;
    step(): StepResult {
      return --this.n > 0 ? { done: false } : { done: true };
    }
  }

  it('runs step() until done, or until shouldStop holds', () => {
    expect(new Countdown(createStack()).run()).toEqual({ steps: 3, stopped: false });
    const s = new Countdown(createStack());
    expect(s.run(() => s.stepsTaken === 1)).toEqual({ steps: 1, stopped: true });
    expect(s.run()).toEqual({ steps: 2, stopped: false });
    expect(s.stepsTaken).toBe(3);
  });
});
