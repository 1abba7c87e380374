/**
 * How much virtual time work takes. The figures are round numbers of the right
 * order for a small mobile GPU at 1 GHz (1 cycle = 1 ns); what matters is that
 * every instruction, byte and pixel costs something, so the timeline shows real
 * durations and real overlap between slots and engines.
 *
 * The seed's only effect on the hardware is here: each engine job's duration is
 * stretched by a seeded jitter of up to `jitterFraction` (like DVFS and DRAM noise
 * on a real board). It changes timestamps and the interleaving of concurrent work,
 * never the results of a correctly synchronised program.
 */
export interface CostModel {
  readonly csInstructionNs: number;
  readonly dmaSetupNs: number;
  readonly dmaBytesPerNs: number;
  readonly shaderCores: number;
  readonly shaderInstructionNs: number;
  readonly computeSetupNs: number;
  readonly drawSetupNs: number;
  readonly rasterPixelNs: number;
  readonly flushNsPerDirtyPage: number;
  readonly jitterFraction: number;
}

export const defaultCostModel: CostModel = {
  csInstructionNs: 2,
  dmaSetupNs: 200,
  dmaBytesPerNs: 16,
  shaderCores: 4,
  shaderInstructionNs: 1,
  computeSetupNs: 500,
  drawSetupNs: 1000,
  rasterPixelNs: 0.25,
  flushNsPerDirtyPage: 20,
  jitterFraction: 0.02,
};
