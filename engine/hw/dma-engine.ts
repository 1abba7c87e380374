/**
 * The DMA engine's two operations. Both read and write through the job's memory,
 * so bad addresses fault like any other GPU access, and the copy is byte-exact
 * across page boundaries and overlapping ranges (it reads the whole source first,
 * like a memmove).
 *
 * A COPY is issued as page-sized bursts, the last one short when the size is not a
 * multiple of a page. The injectable bug 'dma-drop-partial-page' lives in how the
 * burst count is computed (see `runCopy`).
 */
import type { CostModel } from './cost-model';
import type { WorkResult } from './engine-queue';
import { raise } from './gpu-fault';
import type { GpuMemoryPort } from './gpu-port';
import { PAGE_SIZE } from './memory';

/** Copies are chunked so a huge size cannot allocate the host into the ground. */
const CHUNK_BYTES = 1 << 20;
/** Largest single COPY / FILL the engine accepts (1 GiB). */
export const DMA_MAX_BYTES = 1 << 30;

/** `bugs`: the GPU's injected hardware bugs (GpuConfig.bugs). */
export function runCopy(port: GpuMemoryPort, cost: CostModel, dstVa: number, srcVa: number, sizeBytes: number, bugs: ReadonlySet<string>): WorkResult {
  if (sizeBytes > DMA_MAX_BYTES) raise('DESC_INVALID', dstVa, 'write', port.as, `COPY of ${sizeBytes} bytes exceeds ${DMA_MAX_BYTES}`);
  // Bug 'dma-drop-partial-page': the burst count truncates instead of rounding up, so
  // the short last burst of a size that is not page-aligned is never issued. The job
  // still completes normally (same duration, no fault): the tail just is not written.
  const bursts = bugs.has('dma-drop-partial-page') ? Math.floor(sizeBytes / PAGE_SIZE) : Math.ceil(sizeBytes / PAGE_SIZE);
  const copyBytes = Math.min(sizeBytes, bursts * PAGE_SIZE);
  const overlapsForward = dstVa > srcVa && dstVa < srcVa + copyBytes;
  if (overlapsForward) {
    port.writeBytes(dstVa, port.readBytes(srcVa, copyBytes));
  } else {
    for (let done = 0; done < copyBytes; done += CHUNK_BYTES) {
      const n = Math.min(CHUNK_BYTES, copyBytes - done);
      port.writeBytes(dstVa + done, port.readBytes(srcVa + done, n));
    }
  }
  return { work: sizeBytes, busyNs: cost.dmaSetupNs + sizeBytes / cost.dmaBytesPerNs, hung: false };
}

export function runFill(port: GpuMemoryPort, cost: CostModel, dstVa: number, sizeBytes: number, pattern: number): WorkResult {
  if (sizeBytes % 4 !== 0 || dstVa % 4 !== 0) raise('ALIGNMENT', dstVa, 'write', port.as, 'FILL needs 4-byte aligned address and size');
  if (sizeBytes > DMA_MAX_BYTES) raise('DESC_INVALID', dstVa, 'write', port.as, `FILL of ${sizeBytes} bytes exceeds ${DMA_MAX_BYTES}`);
  const chunk = new Uint8Array(Math.min(CHUNK_BYTES, sizeBytes));
  new Uint32Array(chunk.buffer).fill(pattern >>> 0);
  for (let done = 0; done < sizeBytes; done += CHUNK_BYTES) {
    const n = Math.min(CHUNK_BYTES, sizeBytes - done);
    port.writeBytes(dstVa + done, n === chunk.length ? chunk : chunk.subarray(0, n));
  }
  return { work: sizeBytes, busyNs: cost.dmaSetupNs + sizeBytes / cost.dmaBytesPerNs, hung: false };
}
