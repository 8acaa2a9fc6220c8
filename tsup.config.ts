import { defineConfig } from 'tsup'

// One build: the library (ESM + CJS + declarations) and the CLI (its source carries the shebang).
export default defineConfig({
  entry: { index: 'src/index.ts', 'cli/main': 'src/cli/main.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
})
