// The layers, lowest first: core (errors, paths) ← scenarios ← impls ← harness ← scripts (commands).
// Each rule forbids an edge that points up, out of the home pool's package, or into it by a path instead of its
// name. `pnpm test` runs this check (test/layers.test.ts), so a back-edge fails CI.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'An import cycle ties modules together so neither can change alone.',
      from: {}, to: { circular: true } },
    { name: 'core-is-the-floor', severity: 'error', comment: 'core/ holds foundations every layer uses; it imports no layer.',
      from: { path: '^core/' }, to: { path: '^(scenarios|impls|harness|scripts|test)/' } },
    { name: 'scenarios-are-data', severity: 'error', comment: 'Scenarios and workloads never import implementations, the harness or commands.',
      from: { path: '^scenarios/' }, to: { path: '^(impls|harness|scripts|test)/' } },
    { name: 'impls-never-import-the-harness', severity: 'error', comment: 'Adapters translate a scenario for one library; the harness imports them, never the reverse.',
      from: { path: '^impls/' }, to: { path: '^(harness|scripts|test)/' } },
    { name: 'home-pool-is-its-own-package', severity: 'error', comment: 'The home pool ships alone: it imports nothing of the repository outside impls/home/.',
      from: { path: '^impls/home/' }, to: { path: '^(core|scenarios|harness|scripts|test)/|^impls/(?!home/)' } },
    { name: 'home-pool-by-package-name', severity: 'error', comment: 'Outside its package the home pool is @poolbench/home (its built dist/, as a user gets it), never a path into its sources or tests.',
      from: { pathNot: '^impls/home/' }, to: { path: '^impls/home/(src|test)/' } },
    { name: 'harness-never-imports-commands', severity: 'error', comment: 'Commands sit on top; the engine never imports an entry file.',
      from: { path: '^harness/' }, to: { path: '^(scripts|test)/' } },
    { name: 'commands-are-not-imported', severity: 'error', comment: 'A command is an entry file: nothing imports it.',
      from: { pathNot: '^scripts/' }, to: { path: '^scripts/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Build output and scratch, at the root or in a package (impls/home/dist/, impls/home/.tmp/).
    exclude: { path: '(^|/)(node_modules|dist|\\.tmp)/' },
    tsConfig: { fileName: 'tsconfig.check.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.d.ts'] },
  },
};
