/**
 * Invariant checks. An assert failing means the engine itself is broken: it is
 * never the way to report bad input (that is an errno, a VkResult or a fault state).
 */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

export function unreachable(value: never, what: string): never {
  throw new InvariantError(`unreachable ${what}: ${String(value)}`);
}
