/**
 * VkCommandBuffer: recording turns vkCmd* calls into command-stream instructions
 * (cs-isa.ts) plus a data area for descriptors and push constants. Nothing touches
 * GPU memory while recording; vkEndCommandBuffer lays the stream and the data out in
 * one upload BO (stream first, data 256-byte aligned after it), resolves every
 * reference into the data area, and uploads it through the tracker, so the capture
 * holds every byte the GPU will execute.
 *
 * Errors while recording are sticky: the first one is kept and returned by
 * vkEndCommandBuffer, later commands are ignored, as Vulkan allows.
 *
 * Every stream ends with BARRIER + FLUSH(CLEAN): the kernel's ring only flushes
 * before calling a stream (as panthor's does), so making results CPU-visible before
 * the job's fence signals is the UMD's duty.
 */
import { encodeCs, type CsOpName } from '../hw/cs-isa';
import type { DeviceCore, GpuAllocation } from './device';
import type { Image } from './resources';
import type { Pipeline } from './pipeline';
import { VK_ERROR_OUT_OF_DEVICE_MEMORY, VK_ERROR_VALIDATION_FAILED_EXT, VK_SUCCESS, type VkResult } from './vk-result';
import type { VkViewport } from './vk-types';

export const MAX_PUSH_CONSTANT_BYTES = 256;
const DATA_ALIGN = 256;

interface Op {
  readonly name: CsOpName;
  readonly fields: Record<string, number>;
  /** When set, fields[dataRef.field] += the data area's GPU VA at end. */
  readonly dataRef?: { readonly field: string; readonly offset: number };
}

interface DeferredData {
  readonly offset: number;
  readonly build: (dataVa: number) => Uint8Array;
}

export interface RenderingState {
  readonly color: Image | undefined;
  readonly depth: Image | undefined;
  readonly width: number;
  readonly height: number;
}

export class CommandBuffer {
  state: 'initial' | 'recording' | 'executable' = 'initial';
  error: VkResult = VK_SUCCESS;
  errorMessage = '';
  private ops: Op[] = [];
  private data: Uint8Array = new Uint8Array(4096);
  private dataUsed = 0;
  private deferred: DeferredData[] = [];
  upload: GpuAllocation | undefined;
  streamVa = 0;
  streamSizeBytes = 0;
  // Bound state.
  computePipeline: Pipeline | undefined;
  graphicsPipeline: Pipeline | undefined;
  readonly pushConstants = new Uint8Array(MAX_PUSH_CONSTANT_BYTES);
  vertexBuffers: Array<{ va: number } | undefined> = [];
  indexBuffer: { va: number; type: 'UINT16' | 'UINT32' } | undefined;
  viewport: VkViewport | undefined;
  rendering: RenderingState | undefined;
  /** Number of DISPATCH / DRAW / COPY instructions, for statistics. */
  workItems = 0;

  constructor(
    readonly device: DeviceCore,
    readonly queueFamily: number,
  ) {}

  begin(): void {
    this.state = 'recording';
    this.error = VK_SUCCESS;
    this.errorMessage = '';
    this.ops = [];
    this.dataUsed = 0;
    this.deferred = [];
    this.computePipeline = undefined;
    this.graphicsPipeline = undefined;
    this.pushConstants.fill(0);
    this.vertexBuffers = [];
    this.indexBuffer = undefined;
    this.viewport = undefined;
    this.rendering = undefined;
    this.workItems = 0;
  }

  /** True when commands may be recorded; otherwise records why (sticky) and returns false. */
  recording(command: string): boolean {
    if (this.state !== 'recording') {
      this.fail(VK_ERROR_VALIDATION_FAILED_EXT, `${command}: command buffer is not recording`);
      return false;
    }
    return this.error === VK_SUCCESS;
  }

  fail(result: VkResult, message: string): void {
    if (this.error !== VK_SUCCESS) return;
    this.error = result;
    this.errorMessage = message;
  }

  emit(name: CsOpName, fields: Record<string, number> = {}): void {
    this.ops.push({ name, fields });
  }

  /** MOV48 dN, <GPU VA of data offset>. */
  emitDataAddress(reg: number, offset: number): void {
    this.ops.push({ name: 'MOV48', fields: { d: reg, imm: 0 }, dataRef: { field: 'imm', offset } });
  }

  /** Append bytes to the data area; returns their offset in it. */
  pushData(bytes: Uint8Array, align = 16): number {
    const offset = this.reserve(bytes.length, align);
    this.data.set(bytes, offset);
    return offset;
  }

  /** Reserve data whose bytes depend on the data area's final GPU VA (descriptors pointing into it). */
  pushDeferred(sizeBytes: number, align: number, build: (dataVa: number) => Uint8Array): number {
    const offset = this.reserve(sizeBytes, align);
    this.deferred.push({ offset, build });
    return offset;
  }

  private reserve(sizeBytes: number, align: number): number {
    const offset = Math.ceil(this.dataUsed / align) * align;
    const needed = offset + sizeBytes;
    if (needed > this.data.length) {
      const grown = new Uint8Array(Math.max(needed, this.data.length * 2));
      grown.set(this.data.subarray(0, this.dataUsed));
      this.data = grown;
    }
    this.dataUsed = needed;
    return offset;
  }

  /** vkEndCommandBuffer: lay out, resolve and upload. */
  end(): VkResult {
    if (this.state !== 'recording') return VK_ERROR_VALIDATION_FAILED_EXT;
    if (this.error !== VK_SUCCESS) {
      this.state = 'initial';
      return this.error;
    }
    this.emit('BARRIER');
    if (!this.device.bug('missing-flush')) this.emit('FLUSH', { mode: 0 /* CLEAN */ });
    const streamBytes = this.ops.length * 8;
    const dataOffset = Math.ceil(streamBytes / DATA_ALIGN) * DATA_ALIGN;
    const total = dataOffset + this.dataUsed;
    if (!this.upload || this.upload.sizeBytes < total) {
      if (this.upload) this.device.release(this.upload);
      const a = this.device.allocate(total, { mappable: true, readOnly: true });
      if (typeof a === 'number') {
        this.upload = undefined;
        this.state = 'initial';
        return VK_ERROR_OUT_OF_DEVICE_MEMORY;
      }
      this.upload = a;
    }
    const dataVa = this.upload.va + dataOffset;
    for (const d of this.deferred) this.data.set(d.build(dataVa), d.offset);
    const stream = encodeCs(
      this.ops.map((op) => {
        if (!op.dataRef) return [op.name, op.fields] as const;
        return [op.name, { ...op.fields, [op.dataRef.field]: dataVa + op.dataRef.offset }] as const;
      }),
    );
    const image = new Uint8Array(total);
    image.set(stream, 0);
    image.set(this.data.subarray(0, this.dataUsed), dataOffset);
    this.device.upload(this.upload, 0, image);
    this.streamVa = this.upload.va;
    this.streamSizeBytes = stream.length;
    this.state = 'executable';
    return VK_SUCCESS;
  }

  destroy(): void {
    if (this.upload) this.device.release(this.upload);
    this.upload = undefined;
  }
}
