/**
 * The catalogue of driver bugs that can be injected (`--inject NAME`). Each is a bug
 * real drivers have had, at one layer, switchable by name; each entry says the
 * mechanism and the symptom a user would see. They are the fixtures diff, bisect
 * and the UI are proven against.
 *
 * A layer gets the names for it (`resolveBugs`): the UMD through UmdConfig.bugs, the
 * KMD through KmdConfig.bugs, the GPU model through GpuConfig.bugs. Each bug is
 * tested (`bugs.has(name)`) at the one place it lives, named in `site`, and the code
 * there reads like the bug it imitates. tests/bugs/ has one test per entry: the clean
 * run is right and the injected run differs in a specific, observable way.
 */
export type BugLayer = 'umd' | 'kmd' | 'hw';

export interface Bug {
  readonly name: string;
  readonly layer: BugLayer;
  /** What the code does wrong. */
  readonly mechanism: string;
  /** What a user sees. */
  readonly symptom: string;
  /** Where the bug lives: file and function. */
  readonly site: string;
}

export const BUGS: readonly Bug[] = [
  {
    name: 'missing-barrier',
    layer: 'umd',
    mechanism: 'vkCmdPipelineBarrier2 emits no BARRIER, so a draw or dispatch can start before the engine job that writes its input has finished.',
    symptom: 'Consumers read stale data: in multiqueue/compute → graphics, geometry from the previous frame or zeros.',
    site: 'engine/umd/cmd-barrier.ts cmdPipelineBarrier2',
  },
  {
    name: 'wrong-vertex-stride',
    layer: 'umd',
    mechanism: 'The draw descriptor takes the vertex stride from the first attribute\'s size instead of the binding\'s declared stride.',
    symptom: 'Vertices are fetched from the wrong offsets: a garbled, spiky mesh.',
    site: 'engine/umd/cmd-draw.ts drawDesc',
  },
  {
    name: 'missing-flush',
    layer: 'umd',
    mechanism: 'Command streams do not end with FLUSH(CLEAN), and the kernel only flushes before calling a stream (as panthor).',
    symptom: 'After the fence signals the CPU reads stale memory: frames lag one submission behind, read-backs are old.',
    site: 'engine/umd/command-buffer.ts CommandBuffer.end',
  },
  {
    name: 'early-signal',
    layer: 'kmd',
    mechanism: 'The scheduler signals a job\'s done-fence when it writes the job to the queue\'s ring (hands it to the GPU) instead of when the job IRQ shows the queue\'s sync object reached the job\'s seqno, so the submit\'s signal syncobjs fire at submit time.',
    symptom: 'Fence and syncobj waits return at once while the GPU is still working: read-backs hold old data (zeros, the previous frame), dependent jobs start before their producer finished, and a job that faults still reports success.',
    site: 'engine/kmd/sched.ts Scheduler.writeRing',
  },
  {
    name: 'unmap-stale-tlb',
    layer: 'kmd',
    mechanism: 'VM_BIND UNMAP clears the page-table entries but skips AS_COMMAND_FLUSH_PT, so while the VM keeps its address-space slot the MMU\'s TLB still translates the range to the old physical pages.',
    symptom: 'GPU accesses to an unmapped range do not fault: writes land in pages the BO no longer owns — once those pages are reused, in an unrelated buffer, which changes under the CPU\'s feet.',
    site: 'engine/kmd/mmu.ts VmManager.unmap',
  },
  {
    name: 'bind-one-page-short',
    layer: 'kmd',
    mechanism: 'VM_BIND MAP turns the range into first and last page and forgets the + 1 in the page count: every mapping ends one 4 KiB page short (a one-page map maps nothing).',
    symptom: 'The GPU faults (TRANSLATION) on the first access to the last page of a buffer: the group becomes FATAL_FAULT and the VM unusable, so the app sees VK_ERROR_DEVICE_LOST and every later bind in that VM fails.',
    site: 'engine/kmd/ioctl-vm.ts applyOp',
  },
  {
    name: 'sched-ignore-wait',
    layer: 'kmd',
    mechanism: 'When every hardware slot is busy, the scheduler writes a queue\'s jobs to its ring ahead of time, to start the moment a slot frees, without checking that their wait fences have signalled.',
    symptom: 'Only under slot pressure (more queues with work than slots): a consumer job runs before its producer and reads zeros or the previous frame\'s data; with a free slot everything is right.',
    site: 'engine/kmd/sched.ts Scheduler.stagesBlockedJobs',
  },
  {
    name: 'timeline-out-of-order',
    layer: 'kmd',
    mechanism: 'A timeline syncobj\'s payload is the highest point whose own fence has signalled, instead of the highest point below every pending one: when a later point completes first, every earlier point reads as signalled.',
    symptom: 'A timeline wait (SYNCOBJ_TIMELINE_WAIT, vkWaitSemaphores) on point N returns as soon as any point ≥ N signals, before N\'s work is done; QUERY / vkGetSemaphoreCounterValue report a value whose work is still running.',
    site: 'engine/kmd/syncobj.ts Syncobj.signalledPoint',
  },
  {
    name: 'dma-drop-partial-page',
    layer: 'hw',
    mechanism: 'The DMA engine counts a COPY\'s page bursts with a truncating division, so a size that is not a multiple of 4 KiB never gets its short final burst.',
    symptom: 'The last (size mod 4096) bytes of such a copy keep their old contents, with no fault and no error: the tail of an upload or read-back is stale, and copies under 4 KiB do nothing at all.',
    site: 'engine/hw/dma-engine.ts runCopy',
  },
];

export function bugByName(name: string): Bug | undefined {
  return BUGS.find((b) => b.name === name);
}

/** Split requested names per layer; unknown names are returned so the caller can report them. */
export function resolveBugs(names: readonly string[]): { umd: Set<string>; kmd: Set<string>; hw: Set<string>; unknown: string[] } {
  const out = { umd: new Set<string>(), kmd: new Set<string>(), hw: new Set<string>(), unknown: [] as string[] };
  for (const n of names) {
    const bug = bugByName(n);
    if (!bug) out.unknown.push(n);
    else out[bug.layer].add(n);
  }
  return out;
}
