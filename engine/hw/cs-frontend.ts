/**
 * The command-stream frontend: a fixed number of hardware slots, each executing one
 * queue's ring buffer through the MMU (model in cs-isa.ts, registers in csf-regs.ts).
 *
 * Execution model: a running slot executes instructions in batches of up to
 * `BATCH` at its own virtual time, then yields to the simulation so other slots and
 * engines interleave; every instruction costs `csInstructionNs`. A slot blocks on
 * WAIT (until a sync update makes the condition true), on BARRIER and implicit
 * drains (until its engine jobs complete), or when its ring is empty (IDLE). Any
 * bad instruction, operand or access stops the slot with a fault recorded in its
 * FAULT registers and a FAULT event; nothing escapes as an exception.
 *
 * Invariants: EXTRACT ≤ INSERT; a stopped or faulted slot never executes; engine
 * completions for a slot that was stopped since (generation changed) are ignored.
 */
import type { Sim } from '../base/sim';
import type { CostModel } from './cost-model';
import { CS_CALL_DEPTH, CS_REG_COUNT, csIsa, SYNC_CONDITIONS } from './cs-isa';
import type { Decoded } from './isa';
import {
  CS_DOORBELL,
  CS_SLOT_BASE,
  CS_SLOT_STRIDE,
  JOB_IRQ_MASK,
  JOB_IRQ_RAWSTAT,
  JOB_IRQ_STATUS,
  SLOT_AS,
  SLOT_CONTROL,
  SLOT_CONTROL_START,
  SLOT_EVENT,
  SLOT_EVENT_FAULT,
  SLOT_EVENT_IDLE,
  SLOT_EVENT_SYNC,
  SLOT_EXTRACT_HI,
  SLOT_EXTRACT_LO,
  SLOT_FAULT,
  SLOT_FAULT_VA_HI,
  SLOT_FAULT_VA_LO,
  SLOT_INSERT_HI,
  SLOT_INSERT_LO,
  SLOT_RING_BASE_HI,
  SLOT_RING_BASE_LO,
  SLOT_RING_SIZE,
  SLOT_STATE,
  SLOT_STATUS,
} from './csf-regs';
import type { EngineName, EngineQueue, WorkResult } from './engine-queue';
import { faultCode, GpuFaultSignal, type GpuFault, raise } from './gpu-fault';
import { ACCESS_CODE } from './mmu-regs';
import type { JobMemory } from './job-memory';

const BATCH = 64;
const TWO32 = 0x1_0000_0000;
const TWO64 = 2 ** 64;

type SlotState = (typeof SLOT_STATE)[keyof typeof SLOT_STATE];

interface Frame {
  pc: number;
  end: number;
}

interface Slot {
  readonly index: number;
  ringBase: number;
  ringSize: number;
  as: number;
  insert: number;
  extract: number;
  state: SlotState;
  events: number;
  faultStatus: number;
  faultVa: number;
  readonly regs: Uint32Array;
  /** Current indirect stream (undefined while executing the ring itself) and callers. */
  frame: Frame | undefined;
  stack: Frame[];
  outstanding: number;
  generation: number;
  timeNs: number;
  scheduled: boolean;
  instructions: number;
}

export interface CsFrontendHooks {
  memoryFor(as: number, mode: 'direct' | 'journal'): JobMemory;
  engine(name: EngineName): EngineQueue;
  runDispatch(memory: JobMemory, descVa: number): WorkResult;
  runDraw(memory: JobMemory, descVa: number): WorkResult;
  runCopy(memory: JobMemory, dstVa: number, srcVa: number, sizeBytes: number): WorkResult;
  runFill(memory: JobMemory, dstVa: number, sizeBytes: number, pattern: number): WorkResult;
  /** Clean the L2; returns pages written back. */
  flushCaches(): number;
  /** A sync object changed: every WAITing slot re-evaluates. */
  syncUpdated(): void;
  onIrqChange(): void;
  onFault(slot: number, fault: GpuFault): void;
  onEngineJob(slot: number, engine: EngineName, op: string, startNs: number, endNs: number, ok: boolean, work: number, writeHash: string): void;
}

export interface SlotSnapshot extends Omit<Slot, 'regs' | 'stack' | 'frame'> {
  readonly regs: number[];
  readonly stack: Frame[];
  readonly frame: Frame | undefined;
}

export class CsFrontend {
  private slots: Slot[] = [];
  private irqMask = 0;
  private readonly word = new Uint32Array(2);
  private readonly decodeCache = new Map<number, Map<number, Decoded | null>>();

  constructor(
    readonly slotCount: number,
    private readonly sim: Sim,
    private readonly cost: CostModel,
    private readonly hooks: CsFrontendHooks,
  ) {
    this.init();
  }

  init(): void {
    this.slots = Array.from({ length: this.slotCount }, (_, index) => newSlot(index));
    this.irqMask = 0;
  }

  /** Soft reset: every slot stops and forgets its state. */
  reset(): void {
    for (const s of this.slots) s.generation++;
    const generations = this.slots.map((s) => s.generation);
    this.init();
    this.slots.forEach((s, i) => (s.generation = generations[i]! + 1));
  }

  irqPending(): boolean {
    return (this.rawIrq() & this.irqMask) !== 0;
  }

  /** Instructions executed per slot, for statistics and benchmarks. */
  instructionsExecuted(): number {
    return this.slots.reduce((n, s) => n + s.instructions, 0);
  }

  private rawIrq(): number {
    let raw = 0;
    for (const s of this.slots) if (s.events) raw |= 1 << s.index;
    return raw >>> 0;
  }

  /** Re-evaluate WAITing slots (after any sync object changed). */
  syncUpdate(): void {
    for (const s of this.slots) if (s.state === SLOT_STATE.WAITING) this.wake(s);
  }

  mmioRead(offset: number): number | undefined {
    if (offset === JOB_IRQ_RAWSTAT) return this.rawIrq();
    if (offset === JOB_IRQ_MASK) return this.irqMask;
    if (offset === JOB_IRQ_STATUS) return (this.rawIrq() & this.irqMask) >>> 0;
    const found = this.slotWindow(offset);
    if (!found) return offset === CS_DOORBELL ? 0 : undefined;
    const [s, reg] = found;
    switch (reg) {
      case SLOT_RING_BASE_LO:
        return s.ringBase >>> 0;
      case SLOT_RING_BASE_HI:
        return Math.floor(s.ringBase / TWO32) >>> 0;
      case SLOT_RING_SIZE:
        return s.ringSize;
      case SLOT_AS:
        return s.as;
      case SLOT_INSERT_LO:
        return s.insert >>> 0;
      case SLOT_INSERT_HI:
        return Math.floor(s.insert / TWO32) >>> 0;
      case SLOT_EXTRACT_LO:
        return s.extract >>> 0;
      case SLOT_EXTRACT_HI:
        return Math.floor(s.extract / TWO32) >>> 0;
      case SLOT_STATUS:
        return s.state;
      case SLOT_EVENT:
        return s.events;
      case SLOT_FAULT:
        return s.faultStatus;
      case SLOT_FAULT_VA_LO:
        return s.faultVa >>> 0;
      case SLOT_FAULT_VA_HI:
        return Math.floor(s.faultVa / TWO32) >>> 0;
      default:
        return 0;
    }
  }

  mmioWrite(offset: number, value: number): boolean {
    if (offset === JOB_IRQ_MASK) {
      this.irqMask = value >>> 0;
      this.hooks.onIrqChange();
      return true;
    }
    if (offset === CS_DOORBELL) {
      for (const s of this.slots) if (value & (1 << s.index)) this.kick(s);
      return true;
    }
    if (offset >= 0x1000 && offset < CS_SLOT_BASE) return true;
    const found = this.slotWindow(offset);
    if (!found) return false;
    const [s, reg] = found;
    const stopped = s.state === SLOT_STATE.STOPPED || s.state === SLOT_STATE.FAULTED;
    switch (reg) {
      case SLOT_RING_BASE_LO:
        if (stopped) s.ringBase = Math.floor(s.ringBase / TWO32) * TWO32 + (value >>> 0);
        return true;
      case SLOT_RING_BASE_HI:
        if (stopped) s.ringBase = (s.ringBase % TWO32) + (value & 0xffff) * TWO32;
        return true;
      case SLOT_RING_SIZE:
        if (stopped) s.ringSize = value >>> 0;
        return true;
      case SLOT_AS:
        if (stopped) s.as = value >>> 0;
        return true;
      case SLOT_INSERT_LO:
        s.insert = Math.floor(s.insert / TWO32) * TWO32 + (value >>> 0);
        return true;
      case SLOT_INSERT_HI:
        s.insert = (s.insert % TWO32) + (value & 0x1fffff) * TWO32;
        return true;
      case SLOT_EXTRACT_LO:
        // Writable only while stopped: lets the KMD start a slot mid-ring.
        if (stopped) s.extract = Math.floor(s.extract / TWO32) * TWO32 + (value >>> 0);
        return true;
      case SLOT_EXTRACT_HI:
        if (stopped) s.extract = (s.extract % TWO32) + (value & 0x1fffff) * TWO32;
        return true;
      case SLOT_CONTROL:
        if (value === SLOT_CONTROL_START) this.start(s);
        else this.stop(s);
        return true;
      case SLOT_EVENT:
        s.events = (s.events & ~value) >>> 0;
        this.hooks.onIrqChange();
        return true;
      default:
        return true;
    }
  }

  private slotWindow(offset: number): [Slot, number] | undefined {
    if (offset < CS_SLOT_BASE) return undefined;
    const s = this.slots[Math.floor((offset - CS_SLOT_BASE) / CS_SLOT_STRIDE)];
    return s ? [s, (offset - CS_SLOT_BASE) % CS_SLOT_STRIDE] : undefined;
  }

  private start(s: Slot): void {
    const size = s.ringSize;
    if (size < 4096 || (size & (size - 1)) !== 0 || s.ringBase % 8 !== 0) {
      this.fault(s, { kind: 'DESC_INVALID', va: s.ringBase, access: 'execute', as: s.as, detail: `bad ring base/size 0x${s.ringBase.toString(16)}/${size}` });
      return;
    }
    s.generation++;
    s.state = SLOT_STATE.RUNNING;
    s.faultStatus = 0;
    s.faultVa = 0;
    s.frame = undefined;
    s.stack = [];
    s.outstanding = 0;
    s.timeNs = this.sim.nowNs;
    this.schedule(s);
  }

  private stop(s: Slot): void {
    s.generation++;
    s.state = SLOT_STATE.STOPPED;
    s.outstanding = 0;
    s.frame = undefined;
    s.stack = [];
  }

  private kick(s: Slot): void {
    if (s.state === SLOT_STATE.IDLE || s.state === SLOT_STATE.WAITING) this.wake(s);
  }

  private wake(s: Slot): void {
    s.state = SLOT_STATE.RUNNING;
    s.timeNs = Math.max(s.timeNs, this.sim.nowNs);
    this.schedule(s);
  }

  private schedule(s: Slot): void {
    if (s.scheduled) return;
    s.scheduled = true;
    const generation = s.generation;
    this.sim.at(s.timeNs, `cs.slot${s.index}`, () => {
      s.scheduled = false;
      if (s.generation === generation && s.state === SLOT_STATE.RUNNING) this.run(s);
    });
  }

  private run(s: Slot): void {
    const memory = this.hooks.memoryFor(s.as, 'direct');
    try {
      for (let n = 0; n < BATCH && s.state === SLOT_STATE.RUNNING; n++) this.step(s, memory);
    } catch (e) {
      if (!(e instanceof GpuFaultSignal)) throw e;
      this.fault(s, e.fault);
      return;
    }
    if (s.state === SLOT_STATE.RUNNING) this.schedule(s);
  }

  /** Execute one instruction, or change state if there is none to execute. */
  private step(s: Slot, mem: JobMemory): void {
    let va: number;
    if (s.frame) {
      if (s.frame.pc >= s.frame.end) {
        s.frame = s.stack.pop();
        this.fixRingReturn(s);
        return;
      }
      va = s.frame.pc;
    } else {
      if (s.extract >= s.insert) {
        this.becomeIdle(s);
        return;
      }
      va = s.ringBase + (s.extract % s.ringSize);
    }
    mem.fetchWord(va, this.word);
    const lo = this.word[0]!;
    const hi = this.word[1]!;
    const decoded = this.decode(lo, hi);
    if (!decoded) raise('INSTR_INVALID', va, 'execute', s.as, `invalid CS instruction ${csIsa.disassemble(lo, hi)}`);
    const f = decoded.fields;
    const advance = this.execute(s, mem, decoded.op.name, f, va);
    if (!advance) return; // blocked: re-execute this instruction when woken
    s.instructions++;
    s.timeNs += this.cost.csInstructionNs;
    if (advance === 'jumped') return;
    if (s.frame) s.frame.pc += 8;
    else s.extract += 8;
  }

  /** Decoding is pure, so words are memoised (bounded; cleared when full). */
  private decode(lo: number, hi: number): Decoded | undefined {
    let byLo = this.decodeCache.get(hi);
    if (!byLo) {
      if (this.decodeCache.size > 4096) this.decodeCache.clear();
      byLo = new Map();
      this.decodeCache.set(hi, byLo);
    }
    let d = byLo.get(lo);
    if (d === undefined) {
      d = csIsa.decode(lo, hi) ?? null;
      if (byLo.size < 4096) byLo.set(lo, d);
    }
    return d ?? undefined;
  }

  private becomeIdle(s: Slot): void {
    if (s.outstanding > 0) {
      s.state = SLOT_STATE.DRAINING;
      return;
    }
    s.state = SLOT_STATE.IDLE;
    s.events |= SLOT_EVENT_IDLE;
    this.hooks.onIrqChange();
  }

  /** Returns false when the slot blocked, 'jumped' when pc was set, true to advance. */
  private execute(s: Slot, mem: JobMemory, op: string, f: Readonly<Record<string, number>>, va: number): boolean | 'jumped' {
    const regs = s.regs;
    // Register helpers are methods, not closures: closures allocated per instruction dominated the profile.
    switch (op) {
      case 'NOP':
        return true;
      case 'MOV48':
        this.set64(regs, this.pair(s, f, 'd', op, va), f.imm!);
        return true;
      case 'MOV32':
        regs[f.r!] = f.imm!;
        return true;
      case 'MOVE':
        regs[f.r!] = regs[f.s!]!;
        return true;
      case 'MOVE64':
        this.set64(regs, this.pair(s, f, 'd', op, va), this.reg64(regs, this.pair(s, f, 's', op, va)));
        return true;
      case 'ADD32':
        regs[f.r!] = (regs[f.s!]! + f.imm!) >>> 0;
        return true;
      case 'ADD64':
        this.set64(regs, this.pair(s, f, 'd', op, va), this.reg64(regs, this.pair(s, f, 's', op, va)) + f.imm!);
        return true;
      case 'ALU32': {
        const a = regs[f.a!]!;
        const b = regs[f.b!]!;
        const results = [a + b, a - b, a & b, a | b, a ^ b, a << (b & 31), a >>> (b & 31), Math.imul(a, b)];
        regs[f.r!] = results[f.op!]! >>> 0;
        return true;
      }
      case 'LOAD': {
        const base = this.reg64(regs, this.pair(s, f, 'a', op, va)) + f.offset!;
        for (let i = 0; i <= f.count!; i++) {
          if (f.r! + i >= CS_REG_COUNT) raise('INSTR_INVALID', va, 'execute', s.as, 'LOAD past r63');
          regs[f.r! + i] = mem.load32(base + 4 * i);
        }
        return true;
      }
      case 'STORE': {
        const base = this.reg64(regs, this.pair(s, f, 'a', op, va)) + f.offset!;
        for (let i = 0; i <= f.count!; i++) {
          if (f.r! + i >= CS_REG_COUNT) raise('INSTR_INVALID', va, 'execute', s.as, 'STORE past r63');
          mem.store32(base + 4 * i, regs[f.r! + i]!);
        }
        return true;
      }
      case 'WAIT': {
        const addr = this.reg64(regs, this.pair(s, f, 'a', op, va));
        const value = this.reg64(regs, this.pair(s, f, 'v', op, va));
        const current = this.loadSync(mem, addr);
        if (syncCondition(SYNC_CONDITIONS[f.cond!]!, current, value)) return true;
        s.state = SLOT_STATE.WAITING;
        return false;
      }
      case 'SYNC_SET':
      case 'SYNC_ADD': {
        if (!this.drained(s)) return false;
        const addr = this.reg64(regs, this.pair(s, f, 'a', op, va));
        const value = this.reg64(regs, this.pair(s, f, 'v', op, va));
        const next = op === 'SYNC_SET' ? value : (this.loadSync(mem, addr) + value) % TWO64;
        this.storeSync(mem, addr, next);
        if (f.irq) {
          s.events |= SLOT_EVENT_SYNC;
          this.hooks.onIrqChange();
        }
        this.hooks.syncUpdated();
        return true;
      }
      case 'TIMESTAMP': {
        if (!this.drained(s)) return false;
        this.storeSync(mem, this.reg64(regs, this.pair(s, f, 'a', op, va)), s.timeNs);
        return true;
      }
      case 'FLUSH': {
        if (!this.drained(s)) return false;
        const pages = f.mode === 1 ? 0 : this.hooks.flushCaches();
        s.timeNs += pages * this.cost.flushNsPerDirtyPage;
        return true;
      }
      case 'BARRIER':
        return this.drained(s);
      case 'COPY': {
        const dst = this.reg64(regs, this.pair(s, f, 'dst', op, va));
        const src = this.reg64(regs, this.pair(s, f, 'src', op, va));
        const size = this.reg64(regs, this.pair(s, f, 'size', op, va));
        this.issue(s, 'dma', 'COPY', (m) => this.hooks.runCopy(m, dst, src, size));
        return true;
      }
      case 'FILL': {
        const dst = this.reg64(regs, this.pair(s, f, 'dst', op, va));
        const size = this.reg64(regs, this.pair(s, f, 'size', op, va));
        const value = regs[f.value!]!;
        this.issue(s, 'dma', 'FILL', (m) => this.hooks.runFill(m, dst, size, value));
        return true;
      }
      case 'DISPATCH': {
        const desc = this.reg64(regs, this.pair(s, f, 'desc', op, va));
        this.issue(s, 'compute', 'DISPATCH', (m) => this.hooks.runDispatch(m, desc));
        return true;
      }
      case 'DRAW': {
        const desc = this.reg64(regs, this.pair(s, f, 'desc', op, va));
        this.issue(s, 'fragment', 'DRAW', (m) => this.hooks.runDraw(m, desc));
        return true;
      }
      case 'CALL':
      case 'JUMP': {
        const target = this.reg64(regs, this.pair(s, f, 'a', op, va));
        const size = regs[f.size!]!;
        if (target % 8 !== 0 || size % 8 !== 0) raise('INSTR_INVALID', va, 'execute', s.as, `${op} to unaligned stream 0x${target.toString(16)}+${size}`);
        if (op === 'CALL') {
          if (s.stack.length >= CS_CALL_DEPTH) raise('STACK', va, 'execute', s.as, `CALL nesting deeper than ${CS_CALL_DEPTH}`);
          // Return address: the instruction after this CALL (in the ring, EXTRACT moves past it now).
          if (s.frame) s.stack.push({ pc: s.frame.pc + 8, end: s.frame.end });
          else {
            s.extract += 8;
            s.stack.push({ pc: Infinity, end: -Infinity }); // marks "return to the ring"
          }
          s.frame = { pc: target, end: target + size };
          this.fixRingReturn(s);
          return 'jumped';
        }
        if (s.frame) s.frame = { pc: target, end: target + size };
        else {
          // A JUMP from the ring runs the target in place of the rest of this ring entry.
          s.extract += 8;
          s.stack.push({ pc: Infinity, end: -Infinity });
          s.frame = { pc: target, end: target + size };
          this.fixRingReturn(s);
        }
        return 'jumped';
      }
      case 'BRANCH': {
        const v = regs[f.r!]!;
        const taken = f.cond === 0 || (f.cond === 1 && v === 0) || (f.cond === 2 && v !== 0);
        if (!taken) return true;
        if (!s.frame) raise('INSTR_INVALID', va, 'execute', s.as, 'BRANCH inside the ring buffer');
        s.frame.pc += 8 + f.offset! * 8;
        return 'jumped';
      }
      case 'END':
        if (s.frame) {
          s.frame = s.stack.pop();
          this.fixRingReturn(s);
          return 'jumped';
        }
        return true;
      default:
        return raise('INSTR_INVALID', va, 'execute', s.as, `unimplemented CS op ${op}`);
    }
  }

  private reg64(regs: Uint32Array, n: number): number {
    return regs[n]! + regs[n + 1]! * TWO32;
  }

  private set64(regs: Uint32Array, n: number, v: number): void {
    // Wrap modulo 2^64 without adding 2^64 to small values (that would round them away).
    let wrapped = v % TWO64;
    if (wrapped < 0) wrapped += TWO64;
    regs[n] = wrapped % TWO32;
    regs[n + 1] = Math.floor(wrapped / TWO32);
  }

  /** Index of a 64-bit register-pair operand; odd or out-of-range pairs are invalid operands. */
  private pair(s: Slot, f: Readonly<Record<string, number>>, name: string, op: string, va: number): number {
    const n = f[name]!;
    if (n % 2 !== 0 || n + 1 >= CS_REG_COUNT) raise('INSTR_INVALID', va, 'execute', s.as, `${op}: d${n} is not an even register pair`);
    return n;
  }

  /** A frame marked "return to the ring" means: no frame, continue at EXTRACT. */
  private fixRingReturn(s: Slot): void {
    if (s.frame && s.frame.pc === Infinity) s.frame = undefined;
  }

  private drained(s: Slot): boolean {
    if (s.outstanding === 0) return true;
    s.state = SLOT_STATE.DRAINING;
    return false;
  }

  private loadSync(mem: JobMemory, addr: number): number {
    if (addr % 8 !== 0) raise('ALIGNMENT', addr, 'read', mem.as, 'sync object must be 8-byte aligned');
    return mem.load32(addr) + mem.load32(addr + 4) * TWO32;
  }

  private storeSync(mem: JobMemory, addr: number, value: number): void {
    if (addr % 8 !== 0) raise('ALIGNMENT', addr, 'write', mem.as, 'sync object must be 8-byte aligned');
    mem.store32(addr, value % TWO32);
    mem.store32(addr + 4, Math.floor(value / TWO32) % TWO32);
    // Sync objects are coherent: make the value CPU-visible at once.
    mem.makeCoherent(addr, 8);
  }

  private issue(s: Slot, engine: EngineName, op: string, run: (m: JobMemory) => WorkResult): void {
    const generation = s.generation;
    s.outstanding++;
    const issueNs = s.timeNs;
    // The engine sees the job when the slot's clock reaches the issuing instruction.
    this.sim.at(issueNs, `cs.issue.${op}`, () => {
      if (s.generation !== generation) return;
      this.hooks.engine(engine).submit({
        slot: s.index,
        op,
        memory: this.hooks.memoryFor(s.as, 'journal'),
        run,
        done: ({ fault, work, startNs, endNs, writeHash }) => {
          this.hooks.onEngineJob(s.index, engine, op, startNs, endNs, !fault, work, writeHash);
          if (s.generation !== generation) return;
          if (fault) {
            this.fault(s, fault);
            return;
          }
          s.outstanding--;
          if (s.outstanding === 0 && s.state === SLOT_STATE.DRAINING) this.wake(s);
        },
      });
    });
  }

  private fault(s: Slot, fault: GpuFault): void {
    s.generation++;
    s.state = SLOT_STATE.FAULTED;
    s.outstanding = 0;
    s.faultStatus = faultCode[fault.kind] | (ACCESS_CODE[fault.access] << 8);
    s.faultVa = Number.isFinite(fault.va) && fault.va >= 0 ? fault.va : 0;
    s.events |= SLOT_EVENT_FAULT;
    this.hooks.onFault(s.index, fault);
    this.hooks.onIrqChange();
  }

  snapshot(): { slots: SlotSnapshot[]; irqMask: number } {
    return {
      slots: this.slots.map((s) => ({ ...s, regs: [...s.regs], stack: s.stack.map((f) => ({ ...f })), frame: s.frame && { ...s.frame } })),
      irqMask: this.irqMask,
    };
  }

  /** Restores registers and ring state; running slots are rescheduled at their own time. */
  restore(snap: { slots: SlotSnapshot[]; irqMask: number }): void {
    this.slots = snap.slots.map((x) => ({ ...x, regs: Uint32Array.from(x.regs), stack: x.stack.map((f) => ({ ...f })), frame: x.frame && { ...x.frame }, scheduled: false }));
    this.irqMask = snap.irqMask;
    for (const s of this.slots) if (s.state === SLOT_STATE.RUNNING) this.schedule(s);
  }
}

function newSlot(index: number): Slot {
  return {
    index,
    ringBase: 0,
    ringSize: 0,
    as: 0,
    insert: 0,
    extract: 0,
    state: SLOT_STATE.STOPPED,
    events: 0,
    faultStatus: 0,
    faultVa: 0,
    regs: new Uint32Array(CS_REG_COUNT),
    frame: undefined,
    stack: [],
    outstanding: 0,
    generation: 0,
    timeNs: 0,
    scheduled: false,
    instructions: 0,
  };
}

export function syncCondition(cond: (typeof SYNC_CONDITIONS)[number], current: number, reference: number): boolean {
  switch (cond) {
    case 'LE':
      return current <= reference;
    case 'GT':
      return current > reference;
    case 'EQ':
      return current === reference;
    case 'NE':
      return current !== reference;
    case 'GE':
      return current >= reference;
    case 'LT':
      return current < reference;
  }
}
