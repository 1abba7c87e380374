/**
 * The catalogue of driver bugs that can be injected (`--inject NAME`). Each is a bug
 * real drivers have had, at one layer, switchable by name; each entry says the
 * mechanism and the symptom a user would see. They are the fixtures diff, bisect
 * and the UI are proven against. A layer tests `bugs.has(name)` at the one place the
 * bug lives.
 */
export type BugLayer = 'umd' | 'kmd' | 'hw';

export interface Bug {
  readonly name: string;
  readonly layer: BugLayer;
  /** What the code does wrong. */
  readonly mechanism: string;
  /** What a user sees. */
  readonly symptom: string;
}

export const BUGS: readonly Bug[] = [
  {
    name: 'missing-barrier',
    layer: 'umd',
    mechanism: 'vkCmdPipelineBarrier2 emits no BARRIER, so a draw or dispatch can start before the engine job that writes its input has finished.',
    symptom: 'Consumers read stale data: in multiqueue/compute → graphics, geometry from the previous frame or zeros.',
  },
  {
    name: 'wrong-vertex-stride',
    layer: 'umd',
    mechanism: 'The draw descriptor takes the vertex stride from the first attribute\'s size instead of the binding\'s declared stride.',
    symptom: 'Vertices are fetched from the wrong offsets: a garbled, spiky mesh.',
  },
  {
    name: 'missing-flush',
    layer: 'umd',
    mechanism: 'Command streams do not end with FLUSH(CLEAN), and the kernel only flushes before calling a stream (as panthor).',
    symptom: 'After the fence signals the CPU reads stale memory: frames lag one submission behind, read-backs are old.',
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
