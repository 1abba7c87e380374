/**
 * Small pieces the apps' shaders and push constants share.
 *
 * Buffers reach shaders buffer-device-address style: the app pushes the 64-bit GPU
 * address as two words and the shader adds byte offsets to the register pair. The ISA
 * has no 64-bit add, so `addToAddress` spells out the carry: buffers may straddle a
 * 4 GiB boundary of the GPU VA space.
 *
 * Example:
 *   addToAddress(4, 9)  // → "IADD r62, r4, r9 / UCMP r63, r62, r4, LT / IADD r5, r5, r63 / MOV r4, r62"
 */

/** Assembly for d{lo} += r{off} (unsigned byte offset), carrying into r{lo + 1}. Clobbers r62, r63. */
export function addToAddress(lo: number, off: number): string {
  return [`IADD r62, r${lo}, r${off}`, `UCMP r63, r62, r${lo}, LT`, `IADD r${lo + 1}, r${lo + 1}, r63`, `MOV r${lo}, r62`].map((l) => `  ${l}`).join('\n');
}

/** Push-constant bytes from 32-bit words (addresses first split with `addressWords`). */
export function pushWords(words: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return bytes;
}

/** A GPU VA as [low word, high word]. */
export function addressWords(va: number): [number, number] {
  return [va >>> 0, Math.floor(va / 0x1_0000_0000) >>> 0];
}

/** The bits of a binary32 value, for float push constants. */
export function floatBits(v: number): number {
  return new Uint32Array(new Float32Array([v]).buffer)[0]!;
}
