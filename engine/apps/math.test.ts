import { describe, expect, it } from 'vitest';
import { lookAt, multiply, perspective, rotateY, transformPoint } from './math';

const close = (a: readonly number[], b: readonly number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 12));

describe('apps/math', () => {
  it('perspective: Vulkan clip space, near → depth 0, far → 1, +y up in view space → −y (up the screen) in NDC', () => {
    const p = perspective(Math.PI / 2, 1, 1, 10);
    close(transformPoint(p, [0, 1, -1]), [0, -1, 0]);
    close(transformPoint(p, [10, 0, -10]), [1, 0, 1]);
    close(transformPoint(perspective(Math.PI / 2, 2, 1, 10), [2, 0, -1]), [1, 0, 0]);
  });

  it('lookAt puts the eye at the origin looking down −z, up stays up', () => {
    const v = lookAt([0, 3, 5], [0, 0, 0], [0, 1, 0]);
    close(transformPoint(v, [0, 3, 5]), [0, 0, 0]);
    close(transformPoint(v, [0, 0, 0]), [0, 0, -Math.hypot(3, 5)]);
    expect(transformPoint(v, [0, 1, 0])[1]).toBeGreaterThan(0);
    expect(transformPoint(v, [1, 0, 0])[0]).toBeCloseTo(1, 12);
  });

  it('rotateY turns +z towards +x; multiply applies the right-hand matrix first', () => {
    close(transformPoint(rotateY(Math.PI / 2), [0, 0, 1]), [1, 0, 0]);
    const both = multiply(rotateY(Math.PI / 2), rotateY(Math.PI / 2));
    close(transformPoint(both, [0, 0, 1]), [0, 0, -1]);
    const translate = Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 5, 0, 0, 1);
    close(transformPoint(multiply(translate, rotateY(Math.PI / 2)), [0, 0, 1]), [6, 0, 0]);
  });
});
