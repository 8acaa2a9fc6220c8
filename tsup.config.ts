import { defineConfig } from 'tsup'

// One build: the library (ESM + CJS + declarations), its arbitraries subpath, and the CLI (its source carries the shebang).
export default defineConfig({
  entry: { index: 'src/index.ts', arbitraries: 'src/arbitraries/index.ts', 'cli/main': 'src/cli/main.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', arbitraries: 'src/arbitraries/index.ts' } },
  // fast-check is an optional peer: only `vpci-migrate/arbitraries` imports it, and never bundles it.
  external: ['fast-check'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
})
