/**
 * Whether the CPU has ENQCMD, from `/proc/cpuinfo`: Linux lists the `enqcmd` flag
 * (X86_FEATURE_ENQCMD, CPUID.(EAX=07H,ECX=0):ECX bit 29) on every processor's `flags` line when
 * the CPU has the instruction and the kernel supports it. Only the first `flags` line is read:
 * the flags of a system's processors are the same.
 */

/** How much of cpuinfo is read: the first processor's block is about 2 KiB. */
export const MAX_CPUINFO_BYTES = 1024 * 1024

export interface CpuFlags {
  /** False when the text has no `flags` line (not x86, or not cpuinfo). */
  readonly found: boolean
  readonly enqcmd: boolean
}

/** The ENQCMD flag of a cpuinfo text. */
export const cpuFlags = (text: string): CpuFlags => {
  const line = /^flags\s*:(.*)$/m.exec(text)
  if (line === null) return { found: false, enqcmd: false }
  return { found: true, enqcmd: line[1]!.split(/\s+/).includes('enqcmd') }
}
