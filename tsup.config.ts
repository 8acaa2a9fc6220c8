import { readFileSync, writeFileSync } from 'node:fs'
import type { Plugin } from 'esbuild'
import { defineConfig } from 'tsup'

/**
 * The files the CLI's command table (src/cli/commands.ts) loads: each becomes a bundle of its own
 * that the table requires when that command runs, so adding a command to the table is enough.
 */
const commandFiles = [...readFileSync('src/cli/commands.ts', 'utf8').matchAll(/import\('\.\/([\w-]+)\.js'\)/g)].map((m) => m[1]!)

/** Leaves the table's imports of command files as requires of their own bundles. */
const lazyCommands: Plugin = {
  name: 'lazy-commands',
  setup(build) {
    build.onResolve({ filter: /^\.\/[\w-]+-command\.js$/ }, (args) => (args.importer.endsWith('commands.ts') ? { path: args.path, external: true } : undefined))
  },
}

export default defineConfig([
  // The library: ESM + CJS + declarations, and its arbitraries subpath.
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
  // The CLI, built for start time (bench/README.md, "CLI start"): CommonJS, so a run never starts
  // Node's ES module loader; the entry (its source carries the shebang) holds only the dispatcher,
  // and each command is one self-contained bundle, dependencies included (no per-file module
  // resolution), required only when it runs. fp-ts comes from its ES build so only what is used is
  // kept. dist/cli/package.json marks the folder CommonJS under the package's "type": "module".
  {
    entry: Object.fromEntries([['main', 'src/cli/main.ts'], ...commandFiles.map((f) => [f, `src/cli/${f}.ts`])]),
    outDir: 'dist/cli',
    format: ['cjs'],
    outExtension: () => ({ js: '.js' }),
    // Everything bundled but the service's gRPC and metrics packages: they read their own .proto
    // files from beside their modules (grpc-health-check, @grpc/reflection), which a bundle moves.
    noExternal: [/^(?!@grpc\/|grpc-health-check|prom-client)/],
    external: [/^@grpc\//, 'grpc-health-check', 'prom-client'],
    esbuildPlugins: [lazyCommands],
    esbuildOptions(options) {
      options.alias = { 'fp-ts/lib': 'fp-ts/es6' }
      // import() of a command becomes require(): the ES module loader is never started.
      options.supported = { 'dynamic-import': false }
    },
    // import.meta.url (the service finds its proto/ from its own file) as CommonJS gives it.
    shims: true,
    minify: true,
    onSuccess: async () => writeFileSync('dist/cli/package.json', '{ "type": "commonjs" }\n'),
    clean: true,
    target: 'node20',
  },
])
