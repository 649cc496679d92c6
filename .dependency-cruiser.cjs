// Import cycles are forbidden between files and between folders (a folder counts with everything beneath it, so
// src/incidents ↔ src/notify is a cycle even when no single file imports its importer back).
// dependency-cruiser, not an ESLint import rule: ESLint's no-cycle sees files only, and it would re-resolve the whole
// import graph for every linted file.
//
// Run through scripts/check-cycles.mjs (`npm run lint:cycles`): a cycle listed, by its closing import, in
// scripts/known-cycles.mjs is reported as known; any other cycle fails. The list is empty and meant to stay so
// (dependency-cruiser's own baseline cannot hold folder cycles, hence the small script).
//
// The layers, top to bottom: each may import only the layers below it (and itself). src/cli.ts belongs to src/cli.
const LAYERS = [
  'src/cli', // argument parsing, the commands, the one place that exits and handles signals
  'src/daemon', // scheduler, plan, evaluation cycle, generations
  'src/server', // HTTP routes, status page, blackbox endpoint, incidents API
  'src/history', // the status history store: results and severities over time, uptime and series queries
  'src/incidents', // incident lifecycle, state, escalation, post-mortems
  'src/notify', // paging sinks
  'src/scenarios', // the planner and scenario runs (the table itself is runbook knowledge)
  'src/runner', // runs probe specs with deadlines
  'src/diagnosis', // root cause from the results
  'src/leader', // leader election
  'src/config', // loading and validating the config file; assembles the schema from the probe kinds
  'probes', // one folder per probe kind, the registry
  'src/metrics', // rolling windows, series, exposition
  'src/report', // report files
  'src/demo', // the demo API and database
  'src/runbook', // cause catalogue, finding builder, scenario table
  'src/clients', // shared HTTP agent and transport, the Kubernetes client
  'src/model', // result types, error codes, severity, settings value types
  'src/support', // logging, abort, redaction, host matching
];
const pathOf = (layer) => `^${layer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/|\\.ts$)`;
const importsPointDown = LAYERS.slice(1).map((layer, index) => ({
  name: 'imports-point-down',
  comment: `${layer} imports a layer above it (${LAYERS.slice(0, index + 1).join(', ')}). Move the shared part down.`,
  severity: 'error',
  from: { path: pathOf(layer) },
  to: { path: LAYERS.slice(0, index + 1).map(pathOf) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...importsPointDown,
    {
      name: 'no-file-cycle',
      comment: 'A file imports something that imports it back. Move the shared part into a lower layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      comment: 'Two folders import each other (possibly via others). Imports must point down the layers.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    // `import type` is still an arrow between layers
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
