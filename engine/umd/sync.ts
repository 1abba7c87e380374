/**
 * VkFence and VkSemaphore, both backed by DRM syncobjs: a fence is a binary
 * syncobj the last job of a submit signals; a binary semaphore likewise (reset by the
 * UMD once a submit has consumed it, as Mesa does, so it can be signalled again); a
 * timeline semaphore is a timeline syncobj whose points are the semaphore values.
 */
export class Fence {
  destroyed = false;
  constructor(readonly syncobj: number) {}
}

export class Semaphore {
  destroyed = false;
  constructor(
    /** Replaced by vkImportSemaphoreFdKHR with the imported syncobj. */
    public syncobj: number,
    readonly timeline: boolean,
  ) {}
}
