/**
 * Content hashes for memory, state and payloads. SHA-256 from the platform is
 * synchronous, deterministic and fast enough (~1.4 GB/s here) for state hashes;
 * the hex digest is truncated to 128 bits, ample for equality checks.
 */
import { createHash } from 'node:crypto';

export interface Hasher {
  update(bytes: Uint8Array | string): Hasher;
  digestHex(): string;
}

export function newHasher(): Hasher {
  const h = createHash('sha256');
  const hasher: Hasher = {
    update(bytes) {
      h.update(bytes);
      return hasher;
    },
    digestHex() {
      return h.digest('hex').slice(0, 32);
    },
  };
  return hasher;
}

export function hashBytes(bytes: Uint8Array): string {
  return newHasher().update(bytes).digestHex();
}
