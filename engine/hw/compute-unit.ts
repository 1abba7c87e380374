/**
 * The compute unit: runs every invocation of a DISPATCH grid on one shader core.
 *
 * Model: invocations run to completion one at a time, in a fixed order — workgroups
 * z, y, x outermost to innermost, then local z, y, x — so their memory effects (and
 * races between them) resolve the same way on every run. That is a legal schedule
 * only because the ISA has no barriers or workgroup-shared memory; adding either
 * would need a real per-workgroup scheduler here.
 *
 * A hung invocation (instruction budget exhausted) stops the job: the GPU would never
 * finish it, and the engine turns `hung` into a job that the kernel times out. So does
 * a grid whose instructions exceed the job work budget (see shader-core.ts).
 * A grid with a zero dimension has no invocations.
 * Faults unwind as GpuFaultSignal to the engine, with the work done so far kept in
 * memory, as on hardware.
 */
import { raise } from './gpu-fault';
import type { GpuMemoryPort } from './gpu-port';
import { checkDispatch, type DispatchDesc } from './job-descriptors';
import { DEFAULT_INSTRUCTION_BUDGET, DEFAULT_JOB_WORK_BUDGET, ShaderCore, checkStage, loadShader, type ShaderRunOptions } from './shader-core';
import { SPECIAL_REGS } from './shader-isa';

export interface DispatchResult {
  /** Invocations started (the hung one included). */
  readonly invocations: number;
  /** Shader instructions executed, for the cost model. */
  readonly instructions: number;
  readonly hung: boolean;
}

const SR = (name: (typeof SPECIAL_REGS)[number]): number => SPECIAL_REGS.indexOf(name);
const GID = SR('GID_X'), LID = SR('LID_X'), WGID = SR('WGID_X');

/**
 * Run a DISPATCH descriptor (re-validated here; a DESC_INVALID raised here reports va 0,
 * since only decodeDispatchDesc knows the descriptor VA). Faults: DESC_INVALID,
 * INSTR_INVALID, ALIGNMENT, MMU faults — unwinding as GpuFaultSignal.
 */
export function runDispatch(port: GpuMemoryPort, desc: DispatchDesc, options: ShaderRunOptions = {}): DispatchResult {
  const invalid = checkDispatch(desc);
  if (invalid !== undefined) raise('DESC_INVALID', 0, 'read', port.as, `DISPATCH: ${invalid}`);
  const budget = options.instructionBudget ?? DEFAULT_INSTRUCTION_BUDGET;
  const jobBudget = options.jobWorkBudget ?? DEFAULT_JOB_WORK_BUDGET;
  const program = loadShader(port, desc.shaderVa);
  checkStage(program, 'compute', desc.shaderVa, port.as);
  const core = new ShaderCore(port);
  core.loadPushConstants(desc.pushConstantsVa, desc.pushConstantsSizeBytes);
  const sp = core.special.i;
  const { localSizeX: lx, localSizeY: ly, localSizeZ: lz } = desc;
  let invocations = 0;
  let instructions = 0;
  // Empty grid: nothing to run (and 65535² empty workgroup rows to skip).
  if (desc.groupCountX === 0 || desc.groupCountY === 0 || desc.groupCountZ === 0) return { invocations, instructions, hung: false };
  for (let gz = 0; gz < desc.groupCountZ; gz++) {
    for (let gy = 0; gy < desc.groupCountY; gy++) {
      for (let gx = 0; gx < desc.groupCountX; gx++) {
        sp[WGID] = gx;
        sp[WGID + 1] = gy;
        sp[WGID + 2] = gz;
        for (let z = 0; z < lz; z++) {
          for (let y = 0; y < ly; y++) {
            for (let x = 0; x < lx; x++) {
              sp[LID] = x;
              sp[LID + 1] = y;
              sp[LID + 2] = z;
              sp[GID] = gx * lx + x;
              sp[GID + 1] = gy * ly + y;
              sp[GID + 2] = gz * lz + z;
              invocations++;
              instructions += core.run(program, budget);
              // Every invocation executes at least END, so this bounds the invocations too.
              if (core.outcome === 'hung' || instructions > jobBudget) return { invocations, instructions, hung: true };
            }
          }
        }
      }
    }
  }
  return { invocations, instructions, hung: false };
}
