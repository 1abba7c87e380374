/**
 * Vulkan handles are numbers the app holds; the UMD keeps one table per object type
 * and never hands out an object itself. A destroyed or foreign handle is just not in
 * the table — the entry point reports VK_ERROR_VALIDATION_FAILED_EXT, never a crash.
 * Numbers are per type and increase monotonically, so two runs hand out the same
 * handles in the same order. Where a table starts is configurable (VulkanOptions
 * `firstHandle`), so tests can make a run hand out different numbers than a capture.
 */
declare const brand: unique symbol;
export type Handle<Kind extends string> = number & { readonly [brand]: Kind };

export type VkInstance = Handle<'VkInstance'>;
export type VkPhysicalDevice = Handle<'VkPhysicalDevice'>;
export type VkDevice = Handle<'VkDevice'>;
export type VkQueue = Handle<'VkQueue'>;
export type VkDeviceMemory = Handle<'VkDeviceMemory'>;
export type VkBuffer = Handle<'VkBuffer'>;
export type VkImage = Handle<'VkImage'>;
export type VkShaderModule = Handle<'VkShaderModule'>;
export type VkPipeline = Handle<'VkPipeline'>;
export type VkCommandPool = Handle<'VkCommandPool'>;
export type VkCommandBuffer = Handle<'VkCommandBuffer'>;
export type VkSemaphore = Handle<'VkSemaphore'>;
export type VkFence = Handle<'VkFence'>;
export type VkSwapchainKHR = Handle<'VkSwapchainKHR'>;

export class HandleTable<H extends number, T> {
  private readonly items = new Map<number, T>();
  private next: number | undefined;

  /**
   * `firstHandle` (default 1) gives what the first add returns, a positive integer.
   * It is asked at the first add, not here, so an owner can pass a closure over
   * options its constructor has not stored yet.
   */
  constructor(
    readonly typeName: string,
    private readonly firstHandle: () => number = () => 1,
  ) {}

  add(item: T): H {
    this.next ??= this.firstHandle();
    const h = this.next++;
    this.items.set(h, item);
    return h as H;
  }

  get(handle: H | number): T | undefined {
    return this.items.get(handle);
  }

  remove(handle: H | number): T | undefined {
    const item = this.items.get(handle);
    this.items.delete(handle);
    return item;
  }

  values(): T[] {
    return [...this.items.values()];
  }
}
