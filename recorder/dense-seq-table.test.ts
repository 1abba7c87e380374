import { describe, expect, it } from 'vitest';
import { DenseSeqTable } from './dense-seq-table';

describe('DenseSeqTable', () => {
  it('maps dense ids, grows, deletes, and takes any other id too', () => {
    const t = new DenseSeqTable();
    for (let id = 0; id < 5000; id++) t.set(id, id * 3 + 1);
    expect(t.get(0)).toBe(1);
    expect(t.get(4999)).toBe(4999 * 3 + 1);
    expect(t.get(5000)).toBeUndefined();
    t.delete(7);
    expect(t.get(7)).toBeUndefined();
    t.set(-2, 9);
    t.set(2 ** 40, 11);
    t.set(1.5, 12);
    expect([t.get(-2), t.get(2 ** 40), t.get(1.5)]).toEqual([9, 11, 12]);
    t.set(3, 0);
    expect(t.get(3)).toBe(0);
  });
});
