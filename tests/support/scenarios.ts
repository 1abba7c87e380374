/**
 * Reusable scenarios for tests: small, fully specified GPU workloads built through
 * the IGT-style client, with the bytes they must produce.
 */
import { encodeCs } from '../../engine/hw/cs-isa';
import { encodeDispatchDesc } from '../../engine/hw/job-descriptors';
import { assembleShader } from '../../engine/hw/shader-isa';
import * as U from '../../engine/kmd/uapi';
import type { Client } from './client';

const PAGE = 4096;
export const N = 1024; // 32-bit elements

export const scaleShader = assembleShader(`
  S2R r0, GID_X
  LDPC r2, 0        ; src lo
  LDPC r3, 1        ; src hi
  LDPC r4, 2        ; dst lo
  LDPC r5, 3        ; dst hi
  MOVI r6, 4
  IMUL r7, r0, r6   ; byte offset
  IADD r2, r2, r7
  IADD r4, r4, r7
  LD32 r8, d2, 0
  MOVI r9, 3
  IMUL r8, r8, r9
  IADDI r8, r8, 7
  ST32 d4, r8, 0
  END
`);

export function setUpCopyCompute(c: Client) {
  const vm = c.vmCreate();
  const src = c.buffer(vm, 0x10_0000, N * 4);
  const mid = c.buffer(vm, 0x20_0000, N * 4);
  const out = c.buffer(vm, 0x30_0000, N * 4);
  const code = c.buffer(vm, 0x40_0000, PAGE, U.DRM_PANTHOR_VM_BIND_OP_MAP_READONLY);
  const desc = c.buffer(vm, 0x50_0000, PAGE, U.DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC);
  const stream = c.buffer(vm, 0x60_0000, PAGE);

  const input = new Uint8Array(N * 4);
  const view = new DataView(input.buffer);
  for (let i = 0; i < N; i++) view.setUint32(i * 4, (i * 2654435761) >>> 0, true);
  c.write(src.cpu, input);
  c.write(code.cpu, scaleShader);
  const push = new Uint8Array(16);
  const pv = new DataView(push.buffer);
  pv.setUint32(0, 0x20_0000, true);
  pv.setUint32(8, 0x30_0000, true);
  c.write(desc.cpu + 256, push);
  c.write(desc.cpu, encodeDispatchDesc({
    shaderVa: 0x40_0000, pushConstantsVa: 0x50_0000 + 256, pushConstantsSizeBytes: 16,
    localSizeX: 64, localSizeY: 1, localSizeZ: 1, groupCountX: N / 64, groupCountY: 1, groupCountZ: 1,
  }));
  const cs = encodeCs([
    ['MOV48', { d: 0, imm: 0x20_0000 }],
    ['MOV48', { d: 2, imm: 0x10_0000 }],
    ['MOV48', { d: 4, imm: N * 4 }],
    ['COPY', { dst: 0, src: 2, size: 4 }],
    ['BARRIER'],
    ['MOV48', { d: 6, imm: 0x50_0000 }],
    ['DISPATCH', { desc: 6 }],
  ]);
  c.write(stream.cpu, cs);
  const expected = new Uint8Array(N * 4);
  const ev = new DataView(expected.buffer);
  for (let i = 0; i < N; i++) ev.setUint32(i * 4, (Math.imul(view.getUint32(i * 4, true), 3) + 7) >>> 0, true);
  return { vm, src, mid, out, stream, streamSize: cs.length, input, expected };
}

