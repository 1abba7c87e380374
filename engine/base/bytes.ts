/**
 * Little-endian field access on byte arrays. 64-bit values are plain numbers and
 * must stay below 2^53 (every GPU VA, size and timeline point the stack uses does);
 * callers that need the full range use the BigInt variants.
 */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function readU64(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 0x1_0000_0000;
}

export function writeU64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value >>> 0, true);
  view.setUint32(offset + 4, Math.floor(value / 0x1_0000_0000) >>> 0, true);
}

export function readU64Big(view: DataView, offset: number): bigint {
  return view.getBigUint64(offset, true);
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Split a number < 2^53 into its low and high 32-bit words. */
export function splitU64(value: number): [lo: number, hi: number] {
  return [value >>> 0, Math.floor(value / 0x1_0000_0000) >>> 0];
}

export function joinU64(lo: number, hi: number): number {
  return (lo >>> 0) + (hi >>> 0) * 0x1_0000_0000;
}
