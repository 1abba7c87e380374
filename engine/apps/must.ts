/**
 * `must`: how an app turns a failed UMD call into a visible error. The UMD answers
 * every call with a VkResult (or `Created<T>`) and never throws; an app that cannot
 * go on throws a `VkError` naming the call, the VkResult and the driver's message,
 * and `runApp` ends the run with that text in `error` (the CLI prints it, exit 1).
 *
 * Example:
 *   const buffer = must(vk, 'vkCreateBuffer', vk.vkCreateBuffer(device, { sizeBytes: 0, usage: 0 }));
 *   // throws VkError: vkCreateBuffer failed with VK_ERROR_VALIDATION_FAILED_EXT: vkCreateBuffer: sizeBytes must be > 0
 */
import { VK_SUCCESS, vkResultName, type Created, type VkResult } from '../umd/vk-result';
import type { Vk } from '../umd/vulkan';

export class VkError extends Error {
  override readonly name = 'VkError';
  constructor(
    readonly call: string,
    readonly result: VkResult,
    detail: string,
  ) {
    super(`${call} failed with ${vkResultName(result)}${detail ? `: ${detail}` : ''}`);
  }
}

type ErrorSource = Pick<Vk, 'vkGetLastErrorMessage'>;

/** The value of a successful `Created<T>`, or a thrown VkError carrying its message. */
export function must<T>(vk: ErrorSource, call: string, r: Created<T>): T;
/** Nothing for VK_SUCCESS; a thrown VkError with vkGetLastErrorMessage() otherwise. */
export function must(vk: ErrorSource, call: string, r: VkResult): void;
export function must<T>(vk: ErrorSource, call: string, r: Created<T> | VkResult): T | void {
  if (typeof r === 'number') {
    if (r !== VK_SUCCESS) throw new VkError(call, r, vk.vkGetLastErrorMessage());
    return;
  }
  if (r.result !== VK_SUCCESS || r.value === undefined) throw new VkError(call, r.result, 'message' in r ? r.message : vk.vkGetLastErrorMessage());
  return r.value;
}
