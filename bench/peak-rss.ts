/**
 * This process's peak resident set, for the bench's child processes. Linux's
 * getrusage (`process.resourceUsage().maxRSS`) carries the high-water mark across
 * exec: a child spawned by a bench process already holding 400 MB reported 400 MB
 * whatever it did itself (a child allocating nothing reported its parent's 504 MB).
 * VmHWM in /proc/self/status is the peak of this process's own memory (every thread
 * of it), reset at exec; resourceUsage is the fallback where /proc is missing.
 */
import { readFileSync } from 'node:fs';

export function peakRssMb(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) / 1024;
  } catch {
    // not Linux: below
  }
  return process.resourceUsage().maxRSS / 1024;
}
