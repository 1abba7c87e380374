/**
 * Graphics: dynamic rendering (begin / end with clears), viewport, vertex and index
 * buffers, draws. A clear is a FILL of the attachment followed by a BARRIER (the
 * DMA engine and the fragment engine run concurrently). Each draw gets a descriptor
 * built from the bound pipeline, buffers, viewport and attachments.
 */
import { encodeDrawDesc, type CompareOp, type VertexFormat } from '../hw/job-descriptors';
import type { CommandBuffer } from './command-buffer';
import { fill } from './cmd-copy';
import type { GraphicsPipeline } from './pipeline';
import type { Image } from './resources';
import { VK_ERROR_VALIDATION_FAILED_EXT } from './vk-result';
import type { VkCompareOp, VkRenderingAttachment, VkVertexFormat } from './vk-types';

const VERTEX_FORMAT: Record<VkVertexFormat, VertexFormat> = {
  R32_SFLOAT: 'f32x1',
  R32G32_SFLOAT: 'f32x2',
  R32G32B32_SFLOAT: 'f32x3',
  R32G32B32A32_SFLOAT: 'f32x4',
  R8G8B8A8_UNORM: 'u8x4norm',
};

const COMPARE: Record<VkCompareOp, CompareOp> = {
  NEVER: 'never', LESS: 'less', EQUAL: 'equal', LESS_OR_EQUAL: 'lequal',
  GREATER: 'greater', NOT_EQUAL: 'notequal', GREATER_OR_EQUAL: 'gequal', ALWAYS: 'always',
};

const VERTEX_FORMAT_BYTES: Record<VkVertexFormat, number> = { R32_SFLOAT: 4, R32G32_SFLOAT: 8, R32G32B32_SFLOAT: 12, R32G32B32A32_SFLOAT: 16, R8G8B8A8_UNORM: 4 };

/** RGBA floats → the packed RGBA8 word a FILL writes. */
export function packColor(rgba: readonly number[]): number {
  const b = (i: number): number => Math.round(Math.min(1, Math.max(0, rgba[i] ?? 0)) * 255);
  return (b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)) >>> 0;
}

function floatBits(v: number): number {
  return new Uint32Array(new Float32Array([v]).buffer)[0]!;
}

export function cmdBeginRendering(cb: CommandBuffer, color: { image: Image; att: VkRenderingAttachment } | undefined, depth: { image: Image; att: VkRenderingAttachment } | undefined): void {
  if (cb.rendering) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdBeginRendering: already inside a render pass');
  const first = color?.image ?? depth?.image;
  if (!first) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdBeginRendering: no attachment');
  if (color && color.image.format !== 'R8G8B8A8_UNORM') return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdBeginRendering: colour attachment must be R8G8B8A8_UNORM');
  if (depth && depth.image.format !== 'D32_SFLOAT') return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdBeginRendering: depth attachment must be D32_SFLOAT');
  if (color && depth && (color.image.width !== depth.image.width || color.image.height !== depth.image.height)) {
    return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdBeginRendering: attachments differ in size');
  }
  for (const a of [color, depth]) if (a && !a.image.memory) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdBeginRendering: attachment has no memory bound');
  let cleared = false;
  if (color?.att.loadOp === 'CLEAR') {
    fill(cb, color.image.va, color.image.sizeBytes, packColor(color.att.clearValue ?? [0, 0, 0, 0]));
    cleared = true;
  }
  if (depth?.att.loadOp === 'CLEAR') {
    fill(cb, depth.image.va, depth.image.sizeBytes, floatBits(depth.att.clearValue?.[0] ?? 1));
    cleared = true;
  }
  if (cleared) cb.emit('BARRIER');
  cb.rendering = { color: color?.image, depth: depth?.image, width: first.width, height: first.height };
}

export function cmdEndRendering(cb: CommandBuffer): void {
  if (!cb.rendering) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdEndRendering: not inside a render pass');
  cb.rendering = undefined;
}

export function cmdDraw(cb: CommandBuffer, vertexCount: number, instanceCount: number, firstVertex: number, firstInstance: number, indexed: boolean): void {
  const p = cb.graphicsPipeline;
  const r = cb.rendering;
  const name = indexed ? 'vkCmdDrawIndexed' : 'vkCmdDraw';
  if (!p || p.kind !== 'graphics') return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, `${name}: no graphics pipeline bound`);
  if (!r) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, `${name}: outside vkCmdBeginRendering / vkCmdEndRendering`);
  if (indexed && !cb.indexBuffer) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, `${name}: no index buffer bound`);
  for (const b of p.vertexBindings) {
    if (!cb.vertexBuffers[b.binding]) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, `${name}: no vertex buffer bound at binding ${b.binding}`);
  }
  if (vertexCount === 0 || instanceCount === 0) return;
  const pushSize = p.pushConstantSizeBytes;
  const pushOffset = pushSize ? cb.pushData(cb.pushConstants.slice(0, pushSize), 16) : 0;
  const vp = cb.viewport ?? { x: 0, y: 0, width: r.width, height: r.height, minDepth: 0, maxDepth: 1 };
  const desc = drawDesc(cb, p, r, vp, { vertexCount, instanceCount, firstVertex, firstInstance, indexed });
  const descOffset = cb.pushDeferred(352, 64, (dataVa) => encodeDrawDesc({ ...desc, pushConstantsVa: pushSize ? dataVa + pushOffset : 0 }));
  cb.emitDataAddress(0, descOffset);
  cb.emit('DRAW', { desc: 0 });
  cb.workItems++;
}

function drawDesc(
  cb: CommandBuffer,
  p: GraphicsPipeline,
  r: NonNullable<CommandBuffer['rendering']>,
  vp: NonNullable<CommandBuffer['viewport']>,
  d: { vertexCount: number; instanceCount: number; firstVertex: number; firstInstance: number; indexed: boolean },
): Parameters<typeof encodeDrawDesc>[0] {
  const bindings = p.vertexBindings.map((b) => {
    // Injected bug 'wrong-vertex-stride': stride computed from the first attribute's
    // size instead of the binding's declared stride (a classic tightly-packed assumption).
    const attr = p.vertexAttributes.find((a) => a.binding === b.binding);
    const stride = cb.device.bug('wrong-vertex-stride') && attr ? VERTEX_FORMAT_BYTES[attr.format] : b.strideBytes;
    return { binding: b.binding, va: cb.vertexBuffers[b.binding]!.va, strideBytes: stride, inputRate: b.inputRate === 'INSTANCE' ? ('instance' as const) : ('vertex' as const) };
  });
  const byBinding = new Map(bindings.map((b, i) => [b.binding, i]));
  // The descriptor's attribute index is the shader's location; unused locations are 'none'.
  const count = p.vertexAttributes.reduce((n, a) => Math.max(n, a.location + 1), 0);
  const attributes = Array.from({ length: count }, () => ({ binding: 0, offsetBytes: 0, format: 'none' as VertexFormat }));
  for (const a of p.vertexAttributes) attributes[a.location] = { binding: byBinding.get(a.binding) ?? 0, offsetBytes: a.offsetBytes, format: VERTEX_FORMAT[a.format] };
  return {
    vertexCount: d.vertexCount, instanceCount: d.instanceCount, firstVertex: d.firstVertex, firstInstance: d.firstInstance,
    indexType: d.indexed ? (cb.indexBuffer!.type === 'UINT16' ? 'u16' : 'u32') : 'none', indexBufferVa: d.indexed ? cb.indexBuffer!.va : 0,
    vertexShaderVa: p.vertexShaderVa, fragmentShaderVa: p.fragmentShaderVa, pushConstantsVa: 0, pushConstantsSizeBytes: p.pushConstantSizeBytes,
    varyingCount: p.varyingCount, viewportX: vp.x, viewportY: vp.y, viewportWidth: vp.width, viewportHeight: vp.height,
    viewportMinDepth: vp.minDepth, viewportMaxDepth: vp.maxDepth,
    cullMode: p.cullMode === 'BACK' ? 'back' : p.cullMode === 'FRONT' ? 'front' : 'none', frontFace: p.frontFace === 'CLOCKWISE' ? 'cw' : 'ccw',
    colorVa: r.color?.va ?? 0, colorWidth: r.width, colorHeight: r.height, colorRowPitchBytes: r.width * 4,
    depthVa: r.depth?.va ?? 0, depthRowPitchBytes: r.depth ? r.width * 4 : 0,
    depthTestEnable: p.depthTest && !!r.depth, depthWriteEnable: p.depthWrite && !!r.depth, depthCompare: COMPARE[p.depthCompareOp],
    colorWriteMask: 0xf, blendMode: p.blend === 'ALPHA' ? 'alpha' : p.blend === 'ADDITIVE' ? 'additive' : 'none',
    bindings: bindings.map(({ va, strideBytes, inputRate }) => ({ va, strideBytes, inputRate })),
    attributes,
  };
}
