/**
 * A fast 53-bit string hash (an FNV-1a lane of 32 bits and 21 bits of a second,
 * multiplicative lane): what roles and view keys are compared by.
 *
 * Example: hash53('p0.t0/call#0') → a number below 2^53, the same in every run.
 */
export function hash53(s: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 0x01000193);
    h2 = Math.imul(h2 ^ ch, 0x5bd1e995);
  }
  h1 >>>= 0;
  h2 >>>= 0;
  return (h2 & 0x1fffff) * 0x1_0000_0000 + h1;
}
