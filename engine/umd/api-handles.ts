/**
 * Where handles sit in each entry point's arguments and return value: the runtime
 * twin of the branded handle types (handles.ts), for tools that re-issue recorded
 * calls (API-level replay) and must translate a recorded handle into the one the
 * current run handed out.
 *
 * Model
 * - A slot is a path into the argument list or the returned value: the parameter
 *   index, then `.field` into an object and `[]` over every element of an array.
 *   `1[].waitSemaphores[].semaphore` is the semaphore of every wait of every submit
 *   of vkQueueSubmit2(queue, submits, fence); `value[]` every element of a
 *   `Created<VkImage[]>`.
 * - Each slot names its kind: the handle type, or `fd` for the file descriptors
 *   the external-memory/semaphore entry points hand out and take. Handles are per
 *   process (each process has its own UMD and fd table).
 * - Device addresses (vkGetBufferDeviceAddress) and swapchain image indices are
 *   values, not handles: an app bakes addresses into push-constant bytes, where no
 *   table could follow them.
 *
 * Invariant, checked by the compiler: `API_HANDLES` has one entry per entry point of
 * `Vk`, and each entry's `handles` lists exactly the branded-handle paths of that
 * entry point's parameters and `Created` value (a missing, extra or mistyped path
 * fails to compile). File descriptors are plain numbers in the API, so `fds` is
 * checked by tests only (tests/umd/api-handles.test.ts). Rejected: replacing every
 * number equal to a recorded handle — handles are small integers, and 3 is as often
 * a vertex count as a buffer.
 *
 * Example:
 *   handleSlots('vkCmdBindVertexBuffers').params
 *   // → [{ path: '0', kind: 'VkCommandBuffer' }, { path: '2[]', kind: 'VkBuffer' }]
 *   mapSlot([cb, 0, [5, 6]], '2[]', (h) => h + 100)   // → [cb, 0, [105, 106]]
 */
import type { Handle } from './handles';
import type { VK_SUCCESS } from './vk-result';
import type { Vk } from './vulkan';

type EntryPoint = keyof Vk;

/** Values that hold no handle. */
type Plain = string | number | boolean | bigint | Uint8Array | null | undefined | void;

/** Every handle path in a value of type T rooted at P, with its kind. */
type HandlePaths<T, P extends string> =
  T extends Handle<infer K> ? { readonly path: P; readonly kind: K }
    : T extends Plain ? never
      : T extends readonly (infer E)[] ? HandlePaths<E, `${P}[]`>
        : T extends object ? { [F in keyof T & string]-?: HandlePaths<T[F], `${P}.${F}`> }[keyof T & string]
          : never;

type ParamPaths<F> = F extends (...args: infer A) => unknown
  ? { [I in keyof A & `${number}`]-?: HandlePaths<A[I], I> }[keyof A & `${number}`]
  : never;

type CreatedValue<R> = R extends { readonly result: typeof VK_SUCCESS; readonly value: infer V } ? V : never;
type ReturnPaths<F> = F extends (...args: never[]) => infer R ? HandlePaths<CreatedValue<R>, 'value'> : never;

type PathRecord<U extends { readonly path: string; readonly kind: string }> = { readonly [X in U as X['path']]: X['kind'] };

/** Handle kinds: the branded types of handles.ts, plus file descriptors. */
export type HandleKind = ParamPaths<Vk[EntryPoint]>['kind'] | ReturnPaths<Vk[EntryPoint]>['kind'] | 'fd';

interface EntryHandles<K extends EntryPoint> {
  /** Branded-handle slots of the parameters (parameter index first) and of the returned value (`value…`). */
  readonly handles: PathRecord<ParamPaths<Vk[K]>> & PathRecord<ReturnPaths<Vk[K]>>;
  /** File-descriptor slots, same path syntax. */
  readonly fds?: readonly string[];
}

const none = { handles: {} } as const;
const dev = { handles: { 0: 'VkDevice' } } as const;
const cmd = { handles: { 0: 'VkCommandBuffer' } } as const;

export const API_HANDLES: { readonly [K in EntryPoint]: EntryHandles<K> } = {
  vkGetLastErrorMessage: none,
  // instance, device, queues
  vkCreateInstance: { handles: { value: 'VkInstance' } },
  vkDestroyInstance: { handles: { 0: 'VkInstance' } },
  vkEnumeratePhysicalDevices: { handles: { 0: 'VkInstance', 'value[]': 'VkPhysicalDevice' } },
  vkGetPhysicalDeviceProperties: { handles: { 0: 'VkPhysicalDevice' } },
  vkCreateDevice: { handles: { 0: 'VkPhysicalDevice', value: 'VkDevice' } },
  vkGetDeviceQueue: { handles: { 0: 'VkDevice', value: 'VkQueue' } },
  vkDeviceWaitIdle: dev,
  vkDestroyDevice: dev,
  // memory
  vkAllocateMemory: { handles: { 0: 'VkDevice', value: 'VkDeviceMemory' }, fds: ['1.importFd'] },
  vkFreeMemory: { handles: { 0: 'VkDevice', 1: 'VkDeviceMemory' } },
  vkMapMemory: { handles: { 0: 'VkDevice', 1: 'VkDeviceMemory' } },
  vkUnmapMemory: { handles: { 0: 'VkDevice', 1: 'VkDeviceMemory' } },
  vkFlushMappedMemoryRanges: { handles: { 0: 'VkDevice', '1[].memory': 'VkDeviceMemory' } },
  vkInvalidateMappedMemoryRanges: { handles: { 0: 'VkDevice', '1[].memory': 'VkDeviceMemory' } },
  // buffers and images
  vkCreateBuffer: { handles: { 0: 'VkDevice', value: 'VkBuffer' } },
  vkGetBufferMemoryRequirements: { handles: { 0: 'VkDevice', 1: 'VkBuffer' } },
  vkBindBufferMemory: { handles: { 0: 'VkDevice', 1: 'VkBuffer', 2: 'VkDeviceMemory' } },
  vkGetBufferDeviceAddress: { handles: { 0: 'VkDevice', 1: 'VkBuffer' } },
  vkDestroyBuffer: { handles: { 0: 'VkDevice', 1: 'VkBuffer' } },
  vkCreateImage: { handles: { 0: 'VkDevice', value: 'VkImage' } },
  vkGetImageMemoryRequirements: { handles: { 0: 'VkDevice', 1: 'VkImage' } },
  vkBindImageMemory: { handles: { 0: 'VkDevice', 1: 'VkImage', 2: 'VkDeviceMemory' } },
  vkDestroyImage: { handles: { 0: 'VkDevice', 1: 'VkImage' } },
  // shaders and pipelines
  vkCreateShaderModule: { handles: { 0: 'VkDevice', value: 'VkShaderModule' } },
  vkDestroyShaderModule: { handles: { 0: 'VkDevice', 1: 'VkShaderModule' } },
  vkCreateComputePipelines: { handles: { 0: 'VkDevice', '1[].shader': 'VkShaderModule', 'value[]': 'VkPipeline' } },
  vkCreateGraphicsPipelines: {
    handles: { 0: 'VkDevice', '1[].vertexShader': 'VkShaderModule', '1[].fragmentShader': 'VkShaderModule', 'value[]': 'VkPipeline' },
  },
  vkDestroyPipeline: { handles: { 0: 'VkDevice', 1: 'VkPipeline' } },
  // command pools and buffers
  vkCreateCommandPool: { handles: { 0: 'VkDevice', value: 'VkCommandPool' } },
  vkDestroyCommandPool: { handles: { 0: 'VkDevice', 1: 'VkCommandPool' } },
  vkAllocateCommandBuffers: { handles: { 0: 'VkDevice', '1.commandPool': 'VkCommandPool', 'value[]': 'VkCommandBuffer' } },
  vkFreeCommandBuffers: { handles: { 0: 'VkDevice', 1: 'VkCommandPool', '2[]': 'VkCommandBuffer' } },
  vkBeginCommandBuffer: cmd,
  vkEndCommandBuffer: cmd,
  vkResetCommandBuffer: cmd,
  // commands
  vkCmdCopyBuffer: { handles: { 0: 'VkCommandBuffer', 1: 'VkBuffer', 2: 'VkBuffer' } },
  vkCmdFillBuffer: { handles: { 0: 'VkCommandBuffer', 1: 'VkBuffer' } },
  vkCmdCopyImageToBuffer: { handles: { 0: 'VkCommandBuffer', 1: 'VkImage', 2: 'VkBuffer' } },
  vkCmdCopyBufferToImage: { handles: { 0: 'VkCommandBuffer', 1: 'VkBuffer', 2: 'VkImage' } },
  vkCmdPipelineBarrier2: cmd,
  vkCmdBindPipeline: { handles: { 0: 'VkCommandBuffer', 2: 'VkPipeline' } },
  vkCmdPushConstants: cmd,
  vkCmdDispatch: cmd,
  vkCmdBeginRendering: { handles: { 0: 'VkCommandBuffer', '1.colorAttachment.image': 'VkImage', '1.depthAttachment.image': 'VkImage' } },
  vkCmdEndRendering: cmd,
  vkCmdSetViewport: cmd,
  vkCmdBindVertexBuffers: { handles: { 0: 'VkCommandBuffer', '2[]': 'VkBuffer' } },
  vkCmdBindIndexBuffer: { handles: { 0: 'VkCommandBuffer', 1: 'VkBuffer' } },
  vkCmdDraw: cmd,
  vkCmdDrawIndexed: cmd,
  // external memory and semaphores
  vkGetMemoryFdKHR: { handles: { 0: 'VkDevice', 1: 'VkDeviceMemory' }, fds: ['value'] },
  vkGetSemaphoreFdKHR: { handles: { 0: 'VkDevice', 1: 'VkSemaphore' }, fds: ['value'] },
  vkImportSemaphoreFdKHR: { handles: { 0: 'VkDevice', '1.semaphore': 'VkSemaphore' }, fds: ['1.fd'] },
  // presentation
  vkCreateSwapchainKHR: { handles: { 0: 'VkDevice', value: 'VkSwapchainKHR' } },
  vkGetSwapchainImagesKHR: { handles: { 0: 'VkDevice', 1: 'VkSwapchainKHR', 'value[]': 'VkImage' } },
  vkAcquireNextImageKHR: { handles: { 0: 'VkDevice', 1: 'VkSwapchainKHR', '2.semaphore': 'VkSemaphore', '2.fence': 'VkFence' } },
  vkQueuePresentKHR: { handles: { 0: 'VkQueue', '1.waitSemaphores[]': 'VkSemaphore', '1.swapchain': 'VkSwapchainKHR' } },
  vkDestroySwapchainKHR: { handles: { 0: 'VkDevice', 1: 'VkSwapchainKHR' } },
  // fences, semaphores, submission
  vkCreateFence: { handles: { 0: 'VkDevice', value: 'VkFence' } },
  vkDestroyFence: { handles: { 0: 'VkDevice', 1: 'VkFence' } },
  vkWaitForFences: { handles: { 0: 'VkDevice', '1[]': 'VkFence' } },
  vkResetFences: { handles: { 0: 'VkDevice', '1[]': 'VkFence' } },
  vkGetFenceStatus: { handles: { 0: 'VkDevice', 1: 'VkFence' } },
  vkCreateSemaphore: { handles: { 0: 'VkDevice', value: 'VkSemaphore' } },
  vkDestroySemaphore: { handles: { 0: 'VkDevice', 1: 'VkSemaphore' } },
  vkSignalSemaphore: { handles: { 0: 'VkDevice', 1: 'VkSemaphore' } },
  vkWaitSemaphores: { handles: { 0: 'VkDevice', '1[].semaphore': 'VkSemaphore' } },
  vkGetSemaphoreCounterValue: { handles: { 0: 'VkDevice', 1: 'VkSemaphore' } },
  vkQueueSubmit2: {
    handles: {
      0: 'VkQueue', '1[].waitSemaphores[].semaphore': 'VkSemaphore', '1[].commandBuffers[]': 'VkCommandBuffer',
      '1[].signalSemaphores[].semaphore': 'VkSemaphore', 2: 'VkFence',
    },
  },
  vkQueueWaitIdle: { handles: { 0: 'VkQueue' } },
};

export interface Slot {
  readonly path: string;
  readonly kind: HandleKind;
}

export interface EntrySlots {
  /** Slots whose path starts with a parameter index. */
  readonly params: readonly Slot[];
  /** Slots of the returned `Created` value (paths start with `value`). */
  readonly returns: readonly Slot[];
}

const NO_SLOTS: EntrySlots = { params: [], returns: [] };
const slotsByName = new Map<string, EntrySlots>();
for (const [name, entry] of Object.entries(API_HANDLES) as [string, { handles: Record<string, HandleKind>; fds?: readonly string[] }][]) {
  const all: Slot[] = [
    ...Object.entries(entry.handles).map(([path, kind]) => ({ path, kind })),
    ...(entry.fds ?? []).map((path) => ({ path, kind: 'fd' as const })),
  ];
  slotsByName.set(name, { params: all.filter((s) => !s.path.startsWith('value')), returns: all.filter((s) => s.path.startsWith('value')) });
}

/** The slots of an entry point; none for a name the UMD does not have. */
export function handleSlots(name: string): EntrySlots {
  return slotsByName.get(name) ?? NO_SLOTS;
}

type Step = { readonly field: string } | { readonly each: true };

/** `1[].waitSemaphores[].semaphore` → field '1', each, field 'waitSemaphores', each, field 'semaphore'. */
function steps(path: string): Step[] {
  const out: Step[] = [];
  for (const part of path.split('.')) {
    const name = part.replace(/(\[\])+$/, '');
    out.push({ field: name });
    for (let i = name.length; i < part.length; i += 2) out.push({ each: true });
  }
  return out;
}

const stepCache = new Map<string, Step[]>();
function stepsOf(path: string): Step[] {
  let s = stepCache.get(path);
  if (!s) stepCache.set(path, (s = steps(path)));
  return s;
}

/**
 * A copy of `root` with `fn` applied to every number at `path`; anything else
 * (a missing field, null, a value of the wrong shape) is left as it is.
 */
export function mapSlot(root: unknown, path: string, fn: (handle: number) => number): unknown {
  return mapSteps(root, stepsOf(path), 0, fn);
}

function mapSteps(v: unknown, s: readonly Step[], i: number, fn: (h: number) => number): unknown {
  if (i === s.length) return typeof v === 'number' ? fn(v) : v;
  const step = s[i]!;
  if ('each' in step) return Array.isArray(v) ? v.map((x: unknown) => mapSteps(x, s, i + 1, fn)) : v;
  if (Array.isArray(v) && /^\d+$/.test(step.field)) {
    const index = Number(step.field);
    if (index >= v.length) return v;
    const copy = v.slice();
    copy[index] = mapSteps(v[index], s, i + 1, fn);
    return copy;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) return v;
  const obj = v as Record<string, unknown>;
  if (!(step.field in obj)) return v;
  return { ...obj, [step.field]: mapSteps(obj[step.field], s, i + 1, fn) };
}

/** Every number at `path` in `root`, in order (what `mapSlot` would visit). */
export function readSlot(root: unknown, path: string): number[] {
  const out: number[] = [];
  mapSlot(root, path, (h) => {
    out.push(h);
    return h;
  });
  return out;
}
