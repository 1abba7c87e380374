/**
 * VkResult codes and the two return shapes of the API: entry points that create or
 * return something give `Created<T>` (`{ result: VK_SUCCESS, value }` or an error
 * with a message), the others a bare VkResult. Nothing in the UMD throws for bad
 * input: misuse is VK_ERROR_VALIDATION_FAILED_EXT with a message saying what.
 *
 * Example:
 *   const r = vk.vkCreateBuffer(device, { sizeBytes: 0, usage: 0 });
 *   r.result  // → VK_ERROR_VALIDATION_FAILED_EXT, r.message: 'vkCreateBuffer: sizeBytes must be > 0'
 */
export const VK_SUCCESS = 0;
export const VK_NOT_READY = 1;
export const VK_TIMEOUT = 2;
export const VK_INCOMPLETE = 5;
export const VK_ERROR_OUT_OF_HOST_MEMORY = -1;
export const VK_ERROR_OUT_OF_DEVICE_MEMORY = -2;
export const VK_ERROR_INITIALIZATION_FAILED = -3;
export const VK_ERROR_DEVICE_LOST = -4;
export const VK_ERROR_MEMORY_MAP_FAILED = -5;
export const VK_ERROR_FEATURE_NOT_PRESENT = -8;
export const VK_ERROR_FORMAT_NOT_SUPPORTED = -11;
export const VK_ERROR_UNKNOWN = -13;
export const VK_ERROR_INVALID_SHADER_NV = -1000012000;
export const VK_ERROR_INVALID_EXTERNAL_HANDLE = -1000072003;
export const VK_ERROR_VALIDATION_FAILED_EXT = -1000011001;

export type VkResult = number;

const names: Record<number, string> = {
  [VK_SUCCESS]: 'VK_SUCCESS',
  [VK_NOT_READY]: 'VK_NOT_READY',
  [VK_TIMEOUT]: 'VK_TIMEOUT',
  [VK_INCOMPLETE]: 'VK_INCOMPLETE',
  [VK_ERROR_OUT_OF_HOST_MEMORY]: 'VK_ERROR_OUT_OF_HOST_MEMORY',
  [VK_ERROR_OUT_OF_DEVICE_MEMORY]: 'VK_ERROR_OUT_OF_DEVICE_MEMORY',
  [VK_ERROR_INITIALIZATION_FAILED]: 'VK_ERROR_INITIALIZATION_FAILED',
  [VK_ERROR_DEVICE_LOST]: 'VK_ERROR_DEVICE_LOST',
  [VK_ERROR_MEMORY_MAP_FAILED]: 'VK_ERROR_MEMORY_MAP_FAILED',
  [VK_ERROR_FEATURE_NOT_PRESENT]: 'VK_ERROR_FEATURE_NOT_PRESENT',
  [VK_ERROR_FORMAT_NOT_SUPPORTED]: 'VK_ERROR_FORMAT_NOT_SUPPORTED',
  [VK_ERROR_UNKNOWN]: 'VK_ERROR_UNKNOWN',
  [VK_ERROR_INVALID_SHADER_NV]: 'VK_ERROR_INVALID_SHADER_NV',
  [VK_ERROR_INVALID_EXTERNAL_HANDLE]: 'VK_ERROR_INVALID_EXTERNAL_HANDLE',
  [VK_ERROR_VALIDATION_FAILED_EXT]: 'VK_ERROR_VALIDATION_FAILED_EXT',
};

export function vkResultName(r: VkResult): string {
  return names[r] ?? `VkResult(${r})`;
}

export type Created<T> =
  | { readonly result: typeof VK_SUCCESS; readonly value: T }
  | { readonly result: VkResult; readonly value?: undefined; readonly message: string };

export function ok<T>(value: T): Created<T> {
  return { result: VK_SUCCESS, value };
}

export function fail<T = never>(result: VkResult, message: string): Created<T> {
  return { result, message };
}
