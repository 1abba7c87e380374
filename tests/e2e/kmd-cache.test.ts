/**
 * The L2 is write-back for GPU writes, and the kernel's ring (as panthor's) flushes
 * only before calling a user stream. A stream that does not end with FLUSH leaves
 * its results invisible to the CPU after its fence signalled — until the next job's
 * flush. This is the hardware half of the "forgot the cache flush" bug class.
 */
import { describe, expect, it } from 'vitest';
import { encodeCs } from '../../engine/hw/cs-isa';
import { Client } from '../support/client';
import { userStream } from '../support/streams';

const VA = { dst: 0x10_0000, stream: 0x20_0000, stream2: 0x30_0000 };
const fill = [
  ['MOV48', { d: 0, imm: VA.dst }],
  ['MOV48', { d: 2, imm: 256 }],
  ['MOV32', { r: 4, imm: 0xabcdef01 }],
  ['FILL', { dst: 0, size: 2, value: 4 }],
  ['BARRIER'],
] as const;

function run(c: Client, vm: number, group: number, va: number, bytes: Uint8Array): void {
  c.write(c.buffer(vm, va, 4096).cpu, bytes);
  const done = c.syncobjCreate();
  c.submit(group, 0, va, bytes.length, { signal: [done] });
  c.wait([done], { timeoutNs: 100e6 });
}

describe('GPU writes and CPU visibility', () => {
  it('without a FLUSH the CPU sees stale bytes after the fence; the next job makes them visible', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const dst = c.buffer(vm, VA.dst, 4096);
    const group = c.groupCreate(vm);
    run(c, vm, group, VA.stream, encodeCs([...fill]));
    expect(new DataView(c.read(dst.cpu, 4).buffer).getUint32(0, true)).toBe(0); // stale: still in the L2
    run(c, vm, group, VA.stream2, encodeCs([['NOP']])); // the kernel flushes before calling the next stream
    expect(new DataView(c.read(dst.cpu, 4).buffer).getUint32(0, true)).toBe(0xabcdef01);
  });

  it('with a FLUSH at the end of the stream the CPU sees the bytes as soon as the fence signals', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const dst = c.buffer(vm, VA.dst, 4096);
    const group = c.groupCreate(vm);
    run(c, vm, group, VA.stream, userStream([...fill]));
    expect(new DataView(c.read(dst.cpu, 4).buffer).getUint32(0, true)).toBe(0xabcdef01);
  });
});
