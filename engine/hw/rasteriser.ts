/**
 * The rasteriser: runs a DRAW (triangle list) through vertex fetch, the vertex
 * shader, clipping, setup, scan conversion, the fragment shader and the output
 * merger (depth test, blend, RGBA8 write), all through the job's memory port.
 *
 * Model and invariants (Vulkan conventions):
 * - Order is fixed: instances, then triangles in index order, then the pixels of a
 *   triangle in row-major order. Every memory effect happens in that order.
 * - Vertex shading goes through a 64-entry direct-mapped post-transform cache keyed
 *   by vertex index (flushed per instance), like real hardware; `vertices` counts
 *   vertex-shader invocations, so index reuse is visible in the cost.
 * - Clipping: triangles entirely outside one view-volume plane are rejected; the
 *   rest are clipped (Sutherland–Hodgman) against z ≥ 0, z ≤ w, w ≥ W_EPSILON and a
 *   guard band that keeps window coordinates within ±GUARD_BAND_PX. Intersections are
 *   always computed from the inside vertex towards the outside one, so two triangles
 *   sharing an edge get bit-identical new vertices. Varyings are interpolated
 *   linearly in clip space, which is correct before the perspective divide.
 * - Window coordinates are snapped to 1/256 pixel. With the guard band every edge
 *   function value is an integer below 2^53, so coverage is computed exactly: the
 *   top-left rule then draws a pixel centre lying on an edge shared by two
 *   triangles exactly once, and no gaps appear between them.
 * - Pixels are sampled at their centres; only pixels inside the viewport rectangle
 *   and the render area are generated.
 * - Varyings are interpolated perspective-correctly (a/w and 1/w are linear in
 *   screen space); window depth linearly, then clamped to the viewport depth range
 *   and rounded to f32, the D32F storage format.
 * - Early depth test when the fragment shader cannot KILL, late otherwise; depth is
 *   only written when the test is enabled (as in Vulkan). `pixelsShaded` counts
 *   fragment-shader invocations, `pixelsWritten` fragments that reached the
 *   attachments (passed the depth test and were not killed).
 * - Fixed-function maths is IEEE binary64 and therefore deterministic; shader maths
 *   is binary32 (shader-core.ts).
 */
import { raise } from './gpu-fault';
import type { GpuMemoryPort } from './gpu-port';
import { BLEND_MODES, COMPARE_OPS, checkDraw, type CompareOp, type DrawDesc, type VertexFormat } from './job-descriptors';
import { CANONICAL_NAN, DEFAULT_INSTRUCTION_BUDGET, DEFAULT_JOB_WORK_BUDGET, ShaderCore, checkStage, loadShader, type ShaderProgram, type ShaderRunOptions } from './shader-core';
import { SPECIAL_REGS } from './shader-isa';

export interface DrawResult {
  /** Vertex-shader invocations. */
  readonly vertices: number;
  readonly vertexInstructions: number;
  readonly fragmentInstructions: number;
  /** Fragment-shader invocations. */
  readonly pixelsShaded: number;
  /** Fragments that passed the depth test and were not killed. */
  readonly pixelsWritten: number;
  readonly hung: boolean;
}

const SUBPIXELS = 256;
const HALF_SUBPIXEL = 128;
const GUARD_BAND_PX = 65536;
const W_EPSILON = 1e-6;
const MAX_POLY = 12;
const SR = (name: (typeof SPECIAL_REGS)[number]): number => SPECIAL_REGS.indexOf(name);
const SR_VERTEX = SR('VERTEX_INDEX'), SR_INSTANCE = SR('INSTANCE_INDEX');
const SR_FRAG_X = SR('FRAG_X'), SR_FRAG_Y = SR('FRAG_Y'), SR_FRAG_DEPTH = SR('FRAG_DEPTH'), SR_FRONT = SR('FRONT_FACING');
const BLEND_NONE = BLEND_MODES.indexOf('none'), BLEND_ADDITIVE = BLEND_MODES.indexOf('additive');
const CMP = (op: CompareOp): number => COMPARE_OPS.indexOf(op);
const CMP_NEVER = CMP('never'), CMP_LESS = CMP('less'), CMP_EQUAL = CMP('equal'), CMP_LEQUAL = CMP('lequal');
const CMP_GREATER = CMP('greater'), CMP_NOTEQUAL = CMP('notequal'), CMP_GEQUAL = CMP('gequal');

/** Thrown from deep inside the draw when a shader invocation hangs or the job exceeds its work budget; caught by runDraw only. */
class Hang {}

/**
 * Run a DRAW descriptor (re-validated here; a DESC_INVALID raised here reports va 0,
 * since only decodeDrawDesc knows the descriptor VA). Faults (DESC_INVALID,
 * INSTR_INVALID, ALIGNMENT, MMU faults) unwind as GpuFaultSignal with the pixels drawn
 * so far left in memory; a hung shader invocation, or more work than the job budget
 * (shader instructions + triangles + pixel positions scanned), ends the draw with `hung: true`.
 */
export function runDraw(port: GpuMemoryPort, desc: DrawDesc, options: ShaderRunOptions = {}): DrawResult {
  const invalid = checkDraw(desc);
  if (invalid !== undefined) raise('DESC_INVALID', 0, 'read', port.as, `DRAW: ${invalid}`);
  const job = new DrawJob(port, desc, options.instructionBudget ?? DEFAULT_INSTRUCTION_BUDGET, options.jobWorkBudget ?? DEFAULT_JOB_WORK_BUDGET);
  let hung = false;
  try {
    job.run();
  } catch (e) {
    if (!(e instanceof Hang)) throw e;
    hung = true;
  }
  const { fetch } = job;
  return {
    vertices: fetch.vertices,
    vertexInstructions: fetch.instructions,
    fragmentInstructions: job.fragmentInstructions,
    pixelsShaded: job.pixelsShaded,
    pixelsWritten: job.pixelsWritten,
    hung,
  };
}

const VERTEX_CACHE_SLOTS = 64;
const FORMAT_COMPONENTS: Record<VertexFormat, number> = { none: 0, f32x1: 1, f32x2: 2, f32x3: 3, f32x4: 4, u8x4norm: -1 };

/** One enabled attribute, resolved against its binding. `components` −1 = u8x4norm. */
interface AttributeFetch {
  readonly location: number;
  readonly va: number;
  readonly strideBytes: number;
  readonly perInstance: boolean;
  readonly offsetBytes: number;
  readonly components: number;
}

/** Vertex fetch and vertex shading behind the post-transform cache. */
class VertexFetcher {
  vertices = 0;
  instructions = 0;
  private readonly tags = new Float64Array(VERTEX_CACHE_SLOTS);
  private readonly cached: Float64Array;
  private instance = 0;
  private readonly plan: AttributeFetch[] = [];

  constructor(
    private readonly port: GpuMemoryPort,
    private readonly d: DrawDesc,
    private readonly vs: ShaderProgram,
    private readonly core: ShaderCore,
    private readonly stride: number,
    private readonly budget: number,
  ) {
    this.cached = new Float64Array(VERTEX_CACHE_SLOTS * stride);
    for (let loc = 0; loc < d.attributes.length; loc++) {
      const a = d.attributes[loc]!;
      if (a.format === 'none') continue;
      const b = d.bindings[a.binding] ?? { va: 0, strideBytes: 0, inputRate: 'vertex' };
      this.plan.push({
        location: loc, va: b.va, strideBytes: b.strideBytes, perInstance: b.inputRate === 'instance',
        offsetBytes: a.offsetBytes, components: FORMAT_COMPONENTS[a.format],
      });
    }
    // Components a format does not supply read (0, 0, 0, 1), and are never overwritten.
    for (let loc = 0; loc < core.attribs.f.length; loc += 4) core.attribs.f.set([0, 0, 0, 1], loc);
  }

  beginInstance(instanceIndex: number): void {
    this.tags.fill(-1);
    this.instance = instanceIndex;
    this.core.special.i[SR_INSTANCE] = instanceIndex;
  }

  /** Copy the shaded record of the draw's `i`th vertex into out[o…]. */
  vertex(i: number, out: Float64Array, o: number): void {
    const id = this.vertexIndex(i);
    const slot = id % VERTEX_CACHE_SLOTS;
    const at = slot * this.stride;
    if (this.tags[slot] !== id) {
      this.shade(id, at);
      this.tags[slot] = id;
    }
    out.set(this.cached.subarray(at, at + this.stride), o);
  }

  private vertexIndex(i: number): number {
    const d = this.d;
    let index = i;
    if (d.indexType === 'u32') index = this.port.load32(d.indexBufferVa + i * 4);
    else if (d.indexType === 'u16') {
      const va = d.indexBufferVa + i * 2;
      const shift = (va % 4) * 8;
      index = (this.port.load32(va - (va % 4)) >>> shift) & 0xffff;
    }
    return (index + d.firstVertex) % 0x1_0000_0000;
  }

  private shade(id: number, at: number): void {
    const core = this.core, port = this.port, ai = core.attribs.i, af = core.attribs.f;
    for (const a of this.plan) {
      const base = a.va + (a.perInstance ? this.instance : id) * a.strideBytes + a.offsetBytes;
      const slot = a.location * 4;
      if (a.components < 0) {
        const word = port.load32(base);
        for (let c = 0; c < 4; c++) af[slot + c] = ((word >>> (c * 8)) & 255) / 255;
      } else {
        for (let c = 0; c < a.components; c++) ai[slot + c] = port.load32(base + c * 4);
      }
    }
    core.special.i[SR_VERTEX] = id;
    core.position.i.fill(0);
    core.varyOut.i.fill(0);
    this.instructions += core.run(this.vs, this.budget);
    this.vertices++;
    if (core.outcome === 'hung') throw new Hang();
    const out = this.cached;
    for (let k = 0; k < 4; k++) out[at + k] = core.position.f[k]!;
    for (let k = 4; k < this.stride; k++) out[at + k] = core.varyOut.f[k - 4]!;
  }
}

class DrawJob {
  readonly fetch: VertexFetcher;
  fragmentInstructions = 0;
  pixelsShaded = 0;
  /** Fixed-function work so far (triangles set up, pixel positions scanned), for the job budget. */
  private fixedWork = 0;
  pixelsWritten = 0;
  private readonly fs: ShaderProgram;
  private readonly fsCore: ShaderCore;
  /** Floats per clip-space vertex record: x, y, z, w, then 4 per varying slot. */
  private readonly stride: number;
  private readonly varyingComps: number;
  private readonly tri: Float64Array;
  private poly: Float64Array;
  private polyTmp: Float64Array;
  /** Projected fan vertices: X, Y (subpixels), window z, 1/w, varying/w. */
  private readonly proj: Float64Array;
  private readonly planes: Float64Array;
  private readonly scissor: { x0: number; y0: number; x1: number; y1: number };
  private readonly depthCompare: number;
  private readonly depthLo: number;
  private readonly depthHi: number;
  private readonly scratch = new DataView(new ArrayBuffer(4));
  // Output-merger state copied out of the descriptor: the per-pixel path reads only
  // fields of this class, whose shape never changes.
  private readonly early: boolean;
  private readonly testDepth: boolean;
  private readonly writeDepth: boolean;
  private readonly depthVa: number;
  private readonly depthPitch: number;
  private readonly colorVa: number;
  private readonly colorPitch: number;
  private readonly colorMask: number;
  private readonly blend: number;

  constructor(
    private readonly port: GpuMemoryPort,
    private readonly d: DrawDesc,
    private readonly budget: number,
    private readonly jobBudget: number,
  ) {
    this.varyingComps = d.varyingCount * 4;
    this.stride = 4 + this.varyingComps;
    const vs = loadShader(port, d.vertexShaderVa);
    checkStage(vs, 'vertex', d.vertexShaderVa, port.as);
    this.fs = loadShader(port, d.fragmentShaderVa);
    checkStage(this.fs, 'fragment', d.fragmentShaderVa, port.as);
    const vsCore = new ShaderCore(port);
    this.fsCore = new ShaderCore(port);
    vsCore.loadPushConstants(d.pushConstantsVa, d.pushConstantsSizeBytes);
    this.fsCore.push.i.set(vsCore.push.i);
    this.fetch = new VertexFetcher(port, d, vs, vsCore, this.stride, budget);
    this.tri = new Float64Array(3 * this.stride);
    this.poly = new Float64Array(MAX_POLY * this.stride);
    this.polyTmp = new Float64Array(MAX_POLY * this.stride);
    this.proj = new Float64Array(MAX_POLY * this.stride);
    this.planes = guardPlanes(d);
    const vy0 = Math.min(d.viewportY, d.viewportY + d.viewportHeight);
    const vy1 = Math.max(d.viewportY, d.viewportY + d.viewportHeight);
    // A pixel is inside when its centre is in [origin, origin + extent).
    this.scissor = {
      x0: Math.max(0, Math.ceil(d.viewportX - 0.5)),
      y0: Math.max(0, Math.ceil(vy0 - 0.5)),
      x1: Math.min(d.colorWidth - 1, Math.ceil(d.viewportX + d.viewportWidth - 0.5) - 1),
      y1: Math.min(d.colorHeight - 1, Math.ceil(vy1 - 0.5) - 1),
    };
    this.depthCompare = COMPARE_OPS.indexOf(d.depthCompare);
    this.depthLo = Math.min(d.viewportMinDepth, d.viewportMaxDepth);
    this.depthHi = Math.max(d.viewportMinDepth, d.viewportMaxDepth);
    this.early = !this.fs.usesKill;
    this.testDepth = d.depthTestEnable && d.depthVa !== 0;
    this.writeDepth = this.testDepth && d.depthWriteEnable;
    this.depthVa = d.depthVa;
    this.depthPitch = d.depthRowPitchBytes;
    this.colorVa = d.colorVa;
    this.colorPitch = d.colorRowPitchBytes;
    this.colorMask = d.colorVa === 0 ? 0 : d.colorWriteMask;
    this.blend = BLEND_MODES.indexOf(d.blendMode);
  }

  run(): void {
    const d = this.d;
    const triangles = Math.floor(d.vertexCount / 3);
    if (triangles === 0) return; // no work, however many instances
    for (let inst = 0; inst < d.instanceCount; inst++) {
      this.fetch.beginInstance((d.firstInstance + inst) >>> 0);
      for (let t = 0; t < triangles; t++) {
        for (let k = 0; k < 3; k++) this.fetch.vertex(t * 3 + k, this.tri, k * this.stride);
        this.charge(1);
        this.clipAndDraw();
      }
    }
  }

  /** Count fixed-function work; past the job budget (shader instructions included) the draw is hung. */
  private charge(units: number): void {
    this.fixedWork += units;
    if (this.fixedWork + this.fetch.instructions + this.fragmentInstructions > this.jobBudget) throw new Hang();
  }

  private outcode(buf: Float64Array, o: number): number {
    const x = buf[o]!, y = buf[o + 1]!, z = buf[o + 2]!, w = buf[o + 3]!;
    if (Number.isNaN(x + y + z + w)) return -1;
    let code = 0;
    const p = this.planes;
    for (let i = 0; i < 7; i++) {
      const b = i * 5;
      if (p[b]! * x + p[b + 1]! * y + p[b + 2]! * z + p[b + 3]! * w + p[b + 4]! < 0) code |= 1 << i;
    }
    if (x > w) code |= 1 << 7;
    if (x < -w) code |= 1 << 8;
    if (y > w) code |= 1 << 9;
    if (y < -w) code |= 1 << 10;
    return code;
  }

  private clipAndDraw(): void {
    const S = this.stride;
    const c0 = this.outcode(this.tri, 0), c1 = this.outcode(this.tri, S), c2 = this.outcode(this.tri, 2 * S);
    if ((c0 & c1 & c2) !== 0 || c0 < 0 || c1 < 0 || c2 < 0) return; // outside one plane, or NaN
    this.poly.set(this.tri);
    let n = 3;
    const clipMask = (c0 | c1 | c2) & 0x7f;
    for (let i = 0; i < 7 && n >= 3; i++) if (clipMask & (1 << i)) n = this.clipPlane(i, n);
    if (n < 3) return;
    for (let i = 0; i < n; i++) this.project(i);
    for (let i = 1; i + 1 < n; i++) this.rasterTriangle(0, i * S, (i + 1) * S);
  }

  /** Sutherland–Hodgman against plane `i`; returns the new vertex count. */
  private clipPlane(i: number, n: number): number {
    const S = this.stride, p = this.planes, b = i * 5, src = this.poly, dst = this.polyTmp;
    const dist = (o: number): number => p[b]! * src[o]! + p[b + 1]! * src[o + 1]! + p[b + 2]! * src[o + 2]! + p[b + 3]! * src[o + 3]! + p[b + 4]!;
    let m = 0;
    for (let v = 0; v < n; v++) {
      const cur = v * S, nxt = ((v + 1) % n) * S;
      const dc = dist(cur), dn = dist(nxt);
      if (dc >= 0) dst.set(src.subarray(cur, cur + S), m++ * S);
      if (dc >= 0 !== dn >= 0) {
        const [ins, out, di, dout] = dc >= 0 ? [cur, nxt, dc, dn] : [nxt, cur, dn, dc];
        const t = di / (di - dout);
        const o = m++ * S;
        for (let k = 0; k < S; k++) dst[o + k] = src[ins + k]! + t * (src[out + k]! - src[ins + k]!);
      }
    }
    this.poly = dst;
    this.polyTmp = src;
    return m;
  }

  private project(i: number): void {
    const d = this.d, S = this.stride, src = this.poly, o = i * S, out = this.proj;
    const q = 1 / src[o + 3]!;
    out[o] = Math.round((d.viewportX + (src[o]! * q + 1) * d.viewportWidth * 0.5) * SUBPIXELS);
    out[o + 1] = Math.round((d.viewportY + (src[o + 1]! * q + 1) * d.viewportHeight * 0.5) * SUBPIXELS);
    out[o + 2] = d.viewportMinDepth + src[o + 2]! * q * (d.viewportMaxDepth - d.viewportMinDepth);
    out[o + 3] = q;
    for (let k = 4; k < S; k++) out[o + k] = src[o + k]! * q;
  }

  private rasterTriangle(o0: number, o1: number, o2: number): void {
    const v = this.proj, d = this.d;
    let s = (v[o1]! - v[o0]!) * (v[o2 + 1]! - v[o0 + 1]!) - (v[o1 + 1]! - v[o0 + 1]!) * (v[o2]! - v[o0]!);
    // Degenerate, or NaN made by clipping infinite positions (0 · ∞).
    if (s === 0 || Number.isNaN(s + v[o0 + 2]! + v[o1 + 2]! + v[o2 + 2]!)) return;
    // y points down, so a positive s is clockwise on screen.
    const front = d.frontFace === 'ccw' ? s < 0 : s > 0;
    if ((d.cullMode === 'back' && !front) || (d.cullMode === 'front' && front)) return;
    if (s < 0) {
      [o1, o2] = [o2, o1];
      s = -s;
    }
    const x0 = v[o0]!, y0 = v[o0 + 1]!, x1 = v[o1]!, y1 = v[o1 + 1]!, x2 = v[o2]!, y2 = v[o2 + 1]!;
    const sc = this.scissor;
    const px0 = Math.max(sc.x0, Math.ceil((Math.min(x0, x1, x2) - HALF_SUBPIXEL) / SUBPIXELS));
    const px1 = Math.min(sc.x1, Math.floor((Math.max(x0, x1, x2) - HALF_SUBPIXEL) / SUBPIXELS));
    const py0 = Math.max(sc.y0, Math.ceil((Math.min(y0, y1, y2) - HALF_SUBPIXEL) / SUBPIXELS));
    const py1 = Math.min(sc.y1, Math.floor((Math.max(y0, y1, y2) - HALF_SUBPIXEL) / SUBPIXELS));
    if (px0 > px1 || py0 > py1) return;
    this.charge((px1 - px0 + 1) * (py1 - py0 + 1));
    // Edge i is opposite vertex i; e_i(p) = (b - a) × (p - a) for edge a→b, > 0 inside.
    const cx = px0 * SUBPIXELS + HALF_SUBPIXEL, cy = py0 * SUBPIXELS + HALF_SUBPIXEL;
    const e0row0 = (x2 - x1) * (cy - y1) - (y2 - y1) * (cx - x1);
    const e1row0 = (x0 - x2) * (cy - y2) - (y0 - y2) * (cx - x2);
    const e2row0 = (x1 - x0) * (cy - y0) - (y1 - y0) * (cx - x0);
    const dx0 = -(y2 - y1) * SUBPIXELS, dx1 = -(y0 - y2) * SUBPIXELS, dx2 = -(y1 - y0) * SUBPIXELS;
    const dy0 = (x2 - x1) * SUBPIXELS, dy1 = (x0 - x2) * SUBPIXELS, dy2 = (x1 - x0) * SUBPIXELS;
    // Top-left rule: a pixel centre exactly on an edge belongs to the triangle only if
    // the edge is a top edge (horizontal, going right) or a left edge (going up).
    const b0 = topLeft(x1, y1, x2, y2) ? 0 : 1, b1 = topLeft(x2, y2, x0, y0) ? 0 : 1, b2 = topLeft(x0, y0, x1, y1) ? 0 : 1;
    for (let py = py0, r0 = e0row0, r1 = e1row0, r2 = e2row0; py <= py1; py++, r0 += dy0, r1 += dy1, r2 += dy2) {
      for (let px = px0, e0 = r0, e1 = r1, e2 = r2; px <= px1; px++, e0 += dx0, e1 += dx1, e2 += dx2) {
        if (e0 >= b0 && e1 >= b1 && e2 >= b2) this.shade(px, py, e0, e1, e2, s, o0, o1, o2, front);
      }
    }
  }

  private shade(px: number, py: number, e0: number, e1: number, e2: number, s: number, o0: number, o1: number, o2: number, front: boolean): void {
    const v = this.proj, core = this.fsCore;
    let z = (e0 * v[o0 + 2]! + e1 * v[o1 + 2]! + e2 * v[o2 + 2]!) / s;
    z = Math.fround(z < this.depthLo ? this.depthLo : z > this.depthHi ? this.depthHi : z);
    const depthVa = this.depthVa + py * this.depthPitch + px * 4;
    if (this.early && this.testDepth && !this.depthPasses(z, depthVa)) return;
    // Σ e_i·(a_i/w_i) / Σ e_i·(1/w_i): the projected record already holds a_i/w_i.
    const inv = 1 / (e0 * v[o0 + 3]! + e1 * v[o1 + 3]! + e2 * v[o2 + 3]!);
    const vin = core.varyIn.f, vinBits = core.varyIn.i;
    for (let k = 0; k < this.varyingComps; k++) {
      const a = (e0 * v[o0 + 4 + k]! + e1 * v[o1 + 4 + k]! + e2 * v[o2 + 4 + k]!) * inv;
      if (a === a) vin[k] = a;
      else vinBits[k] = CANONICAL_NAN; // ∞ − ∞ across vertices: host NaN bits differ
    }
    const sp = core.special.f;
    sp[SR_FRAG_X] = px + 0.5;
    sp[SR_FRAG_Y] = py + 0.5;
    sp[SR_FRAG_DEPTH] = z;
    core.special.i[SR_FRONT] = front ? 1 : 0;
    const color = core.color.i;
    color[0] = color[1] = color[2] = color[3] = 0;
    this.fragmentInstructions += core.run(this.fs, this.budget);
    this.pixelsShaded++;
    if (core.outcome === 'hung') throw new Hang();
    this.charge(0);
    if (core.outcome === 'killed') return;
    if (!this.early && this.testDepth && !this.depthPasses(z, depthVa)) return;
    if (this.writeDepth) {
      this.scratch.setFloat32(0, z);
      this.port.store32(depthVa, this.scratch.getUint32(0));
    }
    this.pixelsWritten++;
    if (this.colorMask !== 0) this.writeColor(this.colorVa + py * this.colorPitch + px * 4, core.color.f);
  }

  private depthPasses(z: number, va: number): boolean {
    this.scratch.setUint32(0, this.port.load32(va));
    const stored = this.scratch.getFloat32(0);
    switch (this.depthCompare) {
      case CMP_NEVER: return false;
      case CMP_LESS: return z < stored;
      case CMP_EQUAL: return z === stored;
      case CMP_LEQUAL: return z <= stored;
      case CMP_GREATER: return z > stored;
      case CMP_NOTEQUAL: return z !== stored;
      case CMP_GEQUAL: return z >= stored;
      default: return true;
    }
  }

  private writeColor(va: number, c: Float32Array): void {
    const mask = this.colorMask, blend = this.blend;
    if (mask === 15 && blend === BLEND_NONE) {
      this.port.store32(va, (unorm8(c[0]!) | (unorm8(c[1]!) << 8) | (unorm8(c[2]!) << 16) | (unorm8(c[3]!) << 24)) >>> 0);
      return;
    }
    const dst = this.port.load32(va);
    const sa = clamp01(c[3]!);
    let word = 0;
    for (let ch = 0; ch < 4; ch++) {
      const shift = ch * 8;
      const old = (dst >>> shift) & 255;
      let out = old;
      if (mask & (1 << ch)) {
        const src = clamp01(c[ch]!);
        if (blend === BLEND_NONE) out = unorm8(src);
        else if (blend === BLEND_ADDITIVE) out = unorm8(src + old / 255);
        else out = unorm8((ch === 3 ? 1 : src) * sa + (old / 255) * (1 - sa));
      }
      word |= out << shift;
    }
    this.port.store32(va, word >>> 0);
  }
}

function topLeft(ax: number, ay: number, bx: number, by: number): boolean {
  return (ay === by && bx > ax) || by < ay;
}

function clamp01(x: number): number {
  return x > 0 ? (x < 1 ? x : 1) : 0; // NaN → 0
}

/** Round-to-nearest (ties up) of clamp(x, 0, 1) * 255. */
function unorm8(x: number): number {
  return Math.floor(clamp01(x) * 255 + 0.5);
}

/**
 * Clip planes as (a, b, c, d, e): inside when a·x + b·y + c·z + d·w + e ≥ 0.
 * Order: near, far, w ≥ ε, then the guard band (x max, x min, y max, y min), whose
 * NDC bounds keep window coordinates within ±GUARD_BAND_PX for this viewport.
 */
function guardPlanes(d: DrawDesc): Float64Array {
  const bounds = (origin: number, extent: number): [number, number] => {
    const b1 = ((GUARD_BAND_PX - origin) * 2) / extent - 1;
    const b2 = ((-GUARD_BAND_PX - origin) * 2) / extent - 1;
    return [Math.min(b1, b2), Math.max(b1, b2)];
  };
  const [xLo, xHi] = bounds(d.viewportX, d.viewportWidth);
  const [yLo, yHi] = bounds(d.viewportY, d.viewportHeight);
  return Float64Array.of(
    0, 0, 1, 0, 0,
    0, 0, -1, 1, 0,
    0, 0, 0, 1, -W_EPSILON,
    -1, 0, 0, xHi, 0,
    1, 0, 0, -xLo, 0,
    0, -1, 0, yHi, 0,
    0, 1, 0, -yLo, 0,
  );
}
