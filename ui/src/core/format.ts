/**
 * Text forms the views share: virtual time (ns → "1.234 ms"), sizes, hex dumps.
 *
 * Example: `formatNs(1_234_567)` → `'1.235 ms'`, `formatNs(20_000)` → `'20 µs'`; `hexLines(bytes, 0)` → `['00000000  01 02 …  |..|']`
 */
export function formatNs(ns: number): string {
  const a = Math.abs(ns);
  const trim = (v: number): string => v.toFixed(3).replace(/\.?0+$/, '');
  if (a >= 1e9) return `${trim(ns / 1e9)} s`;
  if (a >= 1e6) return `${trim(ns / 1e6)} ms`;
  if (a >= 1e3) return `${trim(ns / 1e3)} µs`;
  return `${Math.round(ns)} ns`;
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** xxd-style lines: offset, 16 bytes in hex, their printable ASCII. */
export function hexLines(bytes: Uint8Array, baseOffset: number, maxLines = 4096): string[] {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length && lines.length < maxLines; i += 16) {
    const row = bytes.subarray(i, i + 16);
    const hexPart = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(47, ' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${(baseOffset + i).toString(16).padStart(8, '0')}  ${hexPart}  |${ascii}|`);
  }
  return lines;
}

/** A hex string ("0a1b…") as bytes; odd or non-hex input yields the bytes parsed so far. */
export function bytesOfHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) {
    const v = parseInt(s.slice(2 * i, 2 * i + 2), 16);
    if (Number.isNaN(v)) return out.subarray(0, i);
    out[i] = v;
  }
  return out;
}

/** A ruler step (1, 2 or 5 × 10^k ns) giving ticks at least `minPx` apart. */
export function tickStepNs(nsPerPx: number, minPx = 80): number {
  const raw = nsPerPx * minPx;
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
