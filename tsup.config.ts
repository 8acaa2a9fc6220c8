import { defineConfig } from 'tsup'

// Two builds. The library: ESM + CJS + declarations, and its arbitraries subpath.
// The CLI: one ESM entry that loads each command as its own chunk when it runs, with its
// dependencies bundled in (no per-file module resolution at start; fp-ts from its ES build so
// only what is used is kept). Bundled CommonJS packages get a `require` for Node's built-ins.
export default defineConfig([
  {
    entry: { index: 'src/index.ts', arbitraries: 'src/arbitraries/index.ts' },
    format: ['esm', 'cjs'],
    dts: { entry: { index: 'src/index.ts', arbitraries: 'src/arbitraries/index.ts' } },
    // fast-check is an optional peer: only `vpci-migrate/arbitraries` imports it, and never bundles it.
    external: ['fast-check'],
    sourcemap: true,
    // dist/cli is the other build's.
    clean: ['!cli/**'],
    target: 'node20',
    treeshake: true,
  },
  {
    // The source carries the shebang.
    entry: { main: 'src/cli/main.ts' },
    outDir: 'dist/cli',
    format: ['esm'],
    splitting: true,
    noExternal: [/.*/],
    esbuildOptions(options) {
      options.alias = { 'fp-ts/lib': 'fp-ts/es6' }
      options.banner = { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" }
    },
    sourcemap: true,
    clean: true,
    target: 'node20',
  },
])
