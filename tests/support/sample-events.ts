/**
 * One hand-made event of every kind, with awkward values (0xffffffff, 48-bit
 * addresses, quotes and non-ASCII in strings, empty byte arrays, nested copies).
 * A Record over EventKind: a new kind fails to compile here until it has a sample,
 * so its capture round trip and its entry in docs/capture-format.md follow.
 */
import type { EventKind, EventOf } from '../../engine/trace/events';

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

export const samples: { readonly [K in EventKind]: EventOf<K> } = {
  'app.thread_switch': { kind: 'app.thread_switch', tsNs: 10, pid: 1, thread: 2 },
  'mem.write': { kind: 'mem.write', tsNs: 11, pid: 1, memory: 0xffff_ffff, bo: 3, offsetBytes: 64, bytes: bytes(368, 1) },
  'frame.present': { kind: 'frame.present', tsNs: 12, pid: 1, frame: 0, width: 4, height: 2, rgba: bytes(32, 2) },
  'kmd.ioctl': {
    kind: 'kmd.ioctl', tsNs: 13, durNs: 700, pid: 1, fd: 3, request: 0xc0186444, name: 'DRM_IOCTL_PANTHOR_GROUP_SUBMIT',
    argIn: bytes(24, 3), argOut: new Uint8Array(0),
    copies: [{ dir: 'in', addr: 0x1000, bytes: bytes(48, 4) }, { dir: 'out', addr: 0x2000, bytes: bytes(8, 5) }], errno: 22, id: 0xffff_ffff,
  },
  'hw.mmio': { kind: 'hw.mmio', tsNs: 14, op: 'write', offset: 0x30, reg: 'GPU_COMMAND', value: 0xffff_ffff },
  'hw.irq': { kind: 'hw.irq', tsNs: 15, line: 'job', status: 0x8000_0001 },
  'hw.fault': { kind: 'hw.fault', tsNs: 16, slot: 1, as: 2, fault: 'TRANSLATION_FAULT', va: 0xffff_f000_0000, access: 'write', detail: 'unmapped "page" \\ é' },
  'hw.job': { kind: 'hw.job', tsNs: 17, durNs: 1234, slot: 0, engine: 'fragment', op: 'DRAW', ok: false, work: 4096, writeHash: '0123456789abcdef0123456789abcdef' },
  'kmd.job_queued': { kind: 'kmd.job_queued', tsNs: 18, jobId: 12, pid: 1, group: 1, queue: 0, streamVa: 0x10_0000, streamSizeBytes: 16, stream: new Uint8Array([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x19]), waits: 2, ioctl: 3 },
  'kmd.job_started': { kind: 'kmd.job_started', tsNs: 19, jobId: 12, slot: 3 },
  'kmd.job_finished': { kind: 'kmd.job_finished', tsNs: 20, jobId: 12, status: 'timedout' },
  'kmd.fence_signal': { kind: 'kmd.fence_signal', tsNs: 21, context: 'g1q0', seqno: 7, error: 62, jobId: 12, ioctl: 0 },
  'kmd.syncobj': { kind: 'kmd.syncobj', tsNs: 22, pid: 2, handle: 5, op: 'transfer', point: 9, ioctl: 4 },
  'kmd.reset': { kind: 'kmd.reset', tsNs: 23, reason: 'job timeout', guiltyGroups: ['g1'], innocentGroups: [] },
  'kmd.group_state': { kind: 'kmd.group_state', tsNs: 24, group: 'g1', state: 3, reason: 'fatal fault' },
  'kmd.ioctl_enter': { kind: 'kmd.ioctl_enter', tsNs: 13, pid: 1, fd: 3, request: 0xc0186444, name: 'DRM_IOCTL_PANTHOR_GROUP_SUBMIT', id: 0xffff_ffff },
  'kmd.wait_end': {
    kind: 'kmd.wait_end', tsNs: 25, pid: 1, ioctl: 9, handles: [4, 0xffff_ffff], points: [0, 2 ** 40], endedBy: { context: 'g1q0 "é"', seqno: 7 }, firstSignaled: 1,
  },
  'api.call': {
    kind: 'api.call', tsNs: 26, pid: 1, name: 'vkCmdPushConstants',
    args: [0xffff_ffff, 0, bytes(16, 6), null, 'name "é"', [1, 2], { code: bytes(0, 7), nested: { ok: true } }],
  },
  'kmd.process_op': { kind: 'kmd.process_op', tsNs: 28, pid: 2, op: 'mmap', arg: 3, offset: 0x1_0000_0000, lengthBytes: 65536, result: 0x7fff_0000_0000 },
  'api.return': { kind: 'api.return', tsNs: 27, durNs: 300, pid: 1, name: 'vkMapMemory', result: -1000011001, value: { lengthBytes: 4096 }, message: 'bad "handle"' },
  'mem.read': { kind: 'mem.read', tsNs: 11, pid: 1, memory: 7, bo: 0xffff_ffff, offsetBytes: 4096, lengthBytes: 2 ** 32, hash: '0123456789abcdef0123456789abcdef' },
};

