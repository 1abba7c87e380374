/**
 * The little linear algebra the graphics apps need: 4×4 matrices stored
 * column-major (m[col * 4 + row], as GLSL and linmath.h, so the bytes go into a
 * uniform buffer unchanged) and 3-vectors as tuples. Maths is binary64; uploading
 * into a Float32Array rounds once, deterministically.
 *
 * Clip space is Vulkan's: y points down and depth runs 0 (near) … 1 (far), so
 * `perspective` is GLM's right-handed zero-to-one projection with Y flipped — what
 * the real vkcube gets by `proj[1][1] *= -1`.
 *
 * Example:
 *   transformPoint(perspective(Math.PI / 2, 1, 1, 10), [0, 1, -1])  // → [0, -1, 0] (NDC: top edge, near plane)
 */
export type Vec3 = readonly [number, number, number];
export type Mat4 = Float64Array;

/** a · b (apply b first). */
export function multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Float64Array(16);
  for (let col = 0; col < 4; col++) {
    for (let row = 0; row < 4; row++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[k * 4 + row]! * b[col * 4 + k]!;
      out[col * 4 + row] = s;
    }
  }
  return out;
}

/** Vulkan projection: right-handed view space (camera looks down −z), depth 0…1, y down. */
export function perspective(fovyRad: number, aspect: number, near: number, far: number): Mat4 {
  const f = 1 / Math.tan(fovyRad / 2);
  const m = new Float64Array(16);
  m[0] = f / aspect;
  m[5] = -f;
  m[10] = far / (near - far);
  m[11] = -1;
  m[14] = (near * far) / (near - far);
  return m;
}

export function lookAt(eye: Vec3, center: Vec3, up: Vec3): Mat4 {
  const f = normalize(sub(center, eye));
  const s = normalize(cross(f, up));
  const u = cross(s, f);
  return Float64Array.of(
    s[0], u[0], -f[0], 0,
    s[1], u[1], -f[1], 0,
    s[2], u[2], -f[2], 0,
    -dot(s, eye), -dot(u, eye), dot(f, eye), 1,
  );
}

/** Rotation about +y by `rad` (counter-clockwise seen from above). */
export function rotateY(rad: number): Mat4 {
  const c = Math.cos(rad), s = Math.sin(rad);
  return Float64Array.of(c, 0, -s, 0, 0, 1, 0, 0, s, 0, c, 0, 0, 0, 0, 1);
}

/** (x, y, z, 1) through m, divided by w. */
export function transformPoint(m: Mat4, p: Vec3): [number, number, number] {
  const v = [0, 0, 0, 0];
  for (let row = 0; row < 4; row++) v[row] = m[row]! * p[0] + m[4 + row]! * p[1] + m[8 + row]! * p[2] + m[12 + row]!;
  const w = v[3]!;
  return [v[0]! / w, v[1]! / w, v[2]! / w];
}

export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function normalize(a: Vec3): Vec3 {
  const l = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / l, a[1] / l, a[2] / l];
}
