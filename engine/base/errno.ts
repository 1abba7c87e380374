/**
 * Linux errno values, as the DRM core and panthor return them (negated in the
 * kernel, positive here). Ioctls report failure as one of these, never by throwing.
 */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  ERANGE: 34,
  ENOSYS: 38,
  EOPNOTSUPP: 95,
  ETIME: 62,
  ETIMEDOUT: 110,
  ECANCELED: 125,
  ENOTTY: 25,
} as const;

export type ErrnoName = keyof typeof Errno;
export type ErrnoValue = (typeof Errno)[ErrnoName];

const errnoNames = new Map<number, ErrnoName>(
  (Object.entries(Errno) as [ErrnoName, number][]).map(([name, value]) => [value, name]),
);

/** errnoName(22) → "EINVAL"; unknown values print as "E#<n>". */
export function errnoName(value: number): string {
  return errnoNames.get(value) ?? `E#${value}`;
}
