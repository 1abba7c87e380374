import { describe, expect, it } from 'vitest';
import { FlatMemoryPort } from './flat-memory-port';
import { GpuFaultSignal, type GpuFault } from './gpu-fault';
import {
  DISPATCH_DESC_LAYOUT,
  DRAW_DESC_LAYOUT,
  decodeDispatchDesc,
  decodeDrawDesc,
  encodeDispatchDesc,
  encodeDrawDesc,
  parseDrawDesc,
  type DescLayout,
  type DispatchDesc,
  type DrawDesc,
} from './job-descriptors';

const sampleDispatch: DispatchDesc = {
  shaderVa: 0x1_2345_6780,
  pushConstantsVa: 0x2_0000_0010,
  pushConstantsSizeBytes: 64,
  localSizeX: 8,
  localSizeY: 4,
  localSizeZ: 2,
  groupCountX: 3,
  groupCountY: 65535,
  groupCountZ: 1,
};

const sampleDraw: DrawDesc = {
  vertexCount: 36,
  instanceCount: 2,
  firstVertex: 5,
  firstInstance: 1,
  indexType: 'u16',
  indexBufferVa: 0x4000_0002,
  vertexShaderVa: 0x1000,
  fragmentShaderVa: 0x1800,
  pushConstantsVa: 0x3000,
  pushConstantsSizeBytes: 256,
  varyingCount: 3,
  viewportX: 0.5,
  viewportY: -2,
  viewportWidth: 640,
  viewportHeight: -480,
  viewportMinDepth: 0.25,
  viewportMaxDepth: 1,
  cullMode: 'back',
  frontFace: 'cw',
  colorVa: 0x10_0000,
  colorWidth: 640,
  colorHeight: 480,
  colorRowPitchBytes: 2560,
  depthRowPitchBytes: 2816,
  depthVa: 0x20_0000,
  depthTestEnable: true,
  depthWriteEnable: false,
  depthCompare: 'gequal',
  colorWriteMask: 0b1011,
  blendMode: 'alpha',
  bindings: [
    { va: 0x5000, strideBytes: 32, inputRate: 'vertex' },
    { va: 0x6000, strideBytes: 4, inputRate: 'instance' },
    { va: 0, strideBytes: 0, inputRate: 'vertex' },
    { va: 0x7_0000_0000, strideBytes: 12, inputRate: 'vertex' },
  ],
  attributes: [
    { binding: 0, offsetBytes: 0, format: 'f32x3' },
    { binding: 0, offsetBytes: 12, format: 'f32x2' },
    { binding: 1, offsetBytes: 0, format: 'u8x4norm' },
    { binding: 0, offsetBytes: 0, format: 'none' },
    { binding: 3, offsetBytes: 4, format: 'f32x1' },
    { binding: 0, offsetBytes: 20, format: 'f32x4' },
    { binding: 0, offsetBytes: 0, format: 'none' },
    { binding: 2, offsetBytes: 8, format: 'f32x2' },
  ],
};

function faultOf(fn: () => unknown): GpuFault {
  try {
    fn();
  } catch (e) {
    if (e instanceof GpuFaultSignal) return e.fault;
    throw e;
  }
  throw new Error('expected a fault');
}

function checkLayout(layout: DescLayout): void {
  const used = new Set<number>();
  const claim = (at: number, type: string, what: string): void => {
    for (let b = at; b < at + (type === 'u64' ? 8 : 4); b++) {
      expect(used.has(b), `${layout.name}.${what} overlaps byte ${b}`).toBe(false);
      expect(b).toBeLessThan(layout.sizeBytes);
      used.add(b);
    }
    expect(at % (type === 'u64' ? 8 : 4), `${what} alignment`).toBe(0);
  };
  for (const f of layout.fields) claim(f.offsetBytes, f.type, f.name);
  for (const a of layout.arrays) for (let i = 0; i < a.count; i++) for (const f of a.fields) claim(a.offsetBytes + i * a.strideBytes + f.offsetBytes, f.type, `${a.name}[${i}].${f.name}`);
  expect(used.size, `${layout.name} has holes`).toBe(layout.sizeBytes);
}

describe('job descriptors', () => {
  it('lay out every byte exactly once, naturally aligned', () => {
    checkLayout(DISPATCH_DESC_LAYOUT);
    checkLayout(DRAW_DESC_LAYOUT);
  });

  it('round-trip DISPATCH and DRAW through GPU memory', () => {
    const mem = new FlatMemoryPort(0x1000, 0x8000_0000);
    mem.writeBytes(0x8000_0100, encodeDispatchDesc(sampleDispatch));
    expect(decodeDispatchDesc(mem, 0x8000_0100)).toEqual(sampleDispatch);
    mem.writeBytes(0x8000_0200, encodeDrawDesc(sampleDraw));
    expect(decodeDrawDesc(mem, 0x8000_0200)).toEqual(sampleDraw);
  });

  it('encode the documented offsets little-endian', () => {
    const bytes = encodeDispatchDesc(sampleDispatch);
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(0x50534944);
    expect(view.getUint32(16, true)).toBe(0x2345_6780);
    expect(view.getUint32(20, true)).toBe(1);
    expect(view.getUint32(40, true)).toBe(65535);
  });

  it('fill missing draw bindings and attributes with zero (= unused)', () => {
    const draw = parseDrawDesc(encodeDrawDesc({ ...sampleDraw, bindings: [], attributes: [{ binding: 1, offsetBytes: 4, format: 'f32x4' }] }));
    expect(typeof draw).toBe('object');
    const d = draw as DrawDesc;
    expect(d.bindings).toHaveLength(4);
    expect(d.bindings[2]).toEqual({ va: 0, strideBytes: 0, inputRate: 'vertex' });
    expect(d.attributes[0]).toEqual({ binding: 1, offsetBytes: 4, format: 'f32x4' });
    expect(d.attributes[7]).toEqual({ binding: 0, offsetBytes: 0, format: 'none' });
  });

  it('fault DESC_INVALID on bad magic, pad, enum, bool and out-of-range values', () => {
    const mem = new FlatMemoryPort(0x1000);
    const cases: Array<[offset: number, value: number, why: RegExp]> = [
      [0, 0x12345678, /magic/],
      [20, 3, /indexType/],
      [128, 2, /depthTestEnable/],
      [152, 1, /pad1/],
      [224 + 16 * 3 + 12, 1, /attributes\[3\]\.pad/],
      [56, 260, /pushConstantsSizeBytes/],
      [60, 9, /varyingCount/],
      [104, 0, /render area/],
      [140, 16, /colorWriteMask/],
    ];
    for (const [offset, value, why] of cases) {
      const bytes = encodeDrawDesc(sampleDraw);
      new DataView(bytes.buffer).setUint32(offset, value, true);
      mem.writeBytes(0x400, bytes);
      const fault = faultOf(() => decodeDrawDesc(mem, 0x400));
      expect(fault).toMatchObject({ kind: 'DESC_INVALID', va: 0x400, access: 'read' });
      expect(fault.detail).toMatch(why);
    }
    mem.writeBytes(0x400, encodeDispatchDesc({ ...sampleDispatch, localSizeX: 64, localSizeY: 32 }));
    expect(faultOf(() => decodeDispatchDesc(mem, 0x400)).detail).toMatch(/local size/);
  });

  it('fault ALIGNMENT on a misaligned descriptor and pass MMU faults through', () => {
    const mem = new FlatMemoryPort(0x1000);
    expect(faultOf(() => decodeDispatchDesc(mem, 0x404))).toMatchObject({ kind: 'ALIGNMENT', va: 0x404 });
    expect(faultOf(() => decodeDrawDesc(mem, 0xf00))).toMatchObject({ kind: 'TRANSLATION' });
  });

  it('refuse to encode an unknown enum value', () => {
    expect(() => encodeDrawDesc({ ...sampleDraw, cullMode: 'sideways' as DrawDesc['cullMode'] })).toThrow(RangeError);
  });
});
