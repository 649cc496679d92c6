// Import cycles are forbidden between files and between folders (a folder counts with everything beneath it, so
// src/incidents ↔ src/notify is a cycle even when no single file imports its importer back).
// dependency-cruiser, not an ESLint import rule: ESLint's no-cycle sees files only, and it would re-resolve the whole
// import graph for every linted file.
//
// Run through scripts/check-cycles.mjs (`npm run lint:cycles`): the cycles that existed when this check was introduced
// are listed, one closing import each, in scripts/known-cycles.mjs and reported as known; any other cycle fails. That
// list is temporary (dependency-cruiser's own baseline cannot hold folder cycles, hence the small script).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
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
