/**
 * copyFromUser / copyToUser: the only way the KMD touches process memory. Each
 * copy is logged for the ioctl's trace event, so the recorder sees exactly the
 * bytes that crossed the boundary, in order. A bad pointer yields EFAULT and
 * nothing is copied.
 */
import { Errno } from '../base/errno';
import type { UserMemory } from '../base/user-memory';
import type { UserCopy } from '../trace/events';

export class UserCopier {
  readonly copies: UserCopy[] = [];

  constructor(private readonly memory: UserMemory) {}

  /** Bytes at `addr`, or EFAULT. */
  fromUser(addr: number, length: number): Uint8Array | number {
    if (length === 0) return new Uint8Array(0);
    const bytes = this.memory.read(addr, length);
    if (!bytes) return Errno.EFAULT;
    this.copies.push({ dir: 'in', addr, bytes: bytes.slice() });
    return bytes;
  }

  /** 0, or EFAULT. */
  toUser(addr: number, bytes: Uint8Array): number {
    if (bytes.length === 0) return 0;
    if (!this.memory.write(addr, bytes)) return Errno.EFAULT;
    this.copies.push({ dir: 'out', addr, bytes: bytes.slice() });
    return 0;
  }
}
