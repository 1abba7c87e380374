/**
 * DRAW through the whole stack: a command stream clears a colour target with FILL
 * and draws a 32×32 square as two triangles whose shared diagonal and outer edges
 * pass exactly through pixel centres. With additive blending a pixel drawn twice
 * would show double intensity, so the test proves the fill rule covers every edge
 * pixel exactly once — inside, outside and on the edges.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '../support/client';
import { drawSquare } from '../support/scenarios';

const W = 64;
const H = 64;

describe('DRAW through the KMD', () => {
  it('covers the square exactly once: inside, outside and on every edge', () => {
    const pixels = drawSquare(Client.create());
    const red = (x: number, y: number): number => pixels[(y * W + x) * 4]!;
    expect(red(24, 24)).toBe(64); // inside
    expect(red(2, 2)).toBe(0); // outside
    expect(red(50, 20)).toBe(0);
    for (let i = 8; i < 40; i++) expect(red(i, i), `diagonal pixel ${i}`).toBe(64); // shared edge: once, not twice
    // Top and left edges (through pixel centres) are in, bottom and right edges out: top-left rule.
    for (let i = 8; i < 40; i++) {
      expect(red(8, i), `left edge ${i}`).toBe(64);
      expect(red(i, 8), `top edge ${i}`).toBe(64);
      expect(red(40, i), `right edge ${i}`).toBe(0);
      expect(red(i, 40), `bottom edge ${i}`).toBe(0);
    }
    let covered = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const r = red(x, y);
        expect([0, 64]).toContain(r);
        if (r) covered++;
      }
    }
    expect(covered).toBe(32 * 32);
  });
});
