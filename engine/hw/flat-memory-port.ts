/**
 * A `GpuMemoryPort` over one flat byte array, for unit tests and benchmarks of GPU
 * units without the MMU. VA `baseVa + i` is byte i. Accesses outside the array
 * raise TRANSLATION, misaligned 32-bit accesses ALIGNMENT, and fetches outside
 * `[execStart, execEnd)` PERMISSION — the same fault kinds the real port reports,
 * so units can be tested on their fault paths too.
 *
 * Example:
 *   const mem = new FlatMemoryPort(4096, 0x10000);
 *   mem.store32(0x10004, 7); mem.load32(0x10004)  // → 7
 */
import { raise, type AccessKind } from './gpu-fault';
import type { GpuMemoryPort } from './gpu-port';

export class FlatMemoryPort implements GpuMemoryPort {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Executable window (VA); the whole array by default. */
  execStart: number;
  execEnd: number;

  constructor(
    sizeBytes: number,
    readonly baseVa = 0,
    readonly as = 0,
  ) {
    this.bytes = new Uint8Array(sizeBytes);
    this.view = new DataView(this.bytes.buffer);
    this.execStart = baseVa;
    this.execEnd = baseVa + sizeBytes;
  }

  private offset(va: number, length: number, access: AccessKind): number {
    const o = va - this.baseVa;
    if (!(o >= 0 && o + length <= this.bytes.length)) raise('TRANSLATION', va, access, this.as, 'outside flat memory');
    return o;
  }

  load32(va: number): number {
    if (va % 4 !== 0) raise('ALIGNMENT', va, 'read', this.as, 'unaligned 32-bit load');
    return this.view.getUint32(this.offset(va, 4, 'read'), true);
  }

  store32(va: number, value: number): void {
    if (va % 4 !== 0) raise('ALIGNMENT', va, 'write', this.as, 'unaligned 32-bit store');
    this.view.setUint32(this.offset(va, 4, 'write'), value >>> 0, true);
  }

  readBytes(va: number, length: number): Uint8Array {
    const o = this.offset(va, length, 'read');
    return this.bytes.slice(o, o + length);
  }

  writeBytes(va: number, bytes: Uint8Array): void {
    this.bytes.set(bytes, this.offset(va, bytes.length, 'write'));
  }

  fetchBytes(va: number, length: number): Uint8Array {
    const o = this.offset(va, length, 'execute');
    if (va < this.execStart || va + length > this.execEnd) raise('PERMISSION', va, 'execute', this.as, 'fetch outside executable window');
    return this.bytes.slice(o, o + length);
  }

  /** Test helpers: little-endian words and floats at `va`. */
  writeU32s(va: number, values: readonly number[]): void {
    values.forEach((v, i) => this.store32(va + i * 4, v));
  }

  writeF32s(va: number, values: readonly number[]): void {
    const o = this.offset(va, values.length * 4, 'write');
    values.forEach((v, i) => this.view.setFloat32(o + i * 4, v, true));
  }

  readF32(va: number): number {
    return this.view.getFloat32(this.offset(va, 4, 'read'), true);
  }
}
