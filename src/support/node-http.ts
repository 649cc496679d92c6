/**
 * node:http without its ES module facade. `import ... from 'node:http'` builds the facade by reading every export,
 * and reading http's WebSocket, CloseEvent and MessageEvent getters loads Node's bundled undici (fetch, WebSocket,
 * web streams): about 12 MB resident in a process that uses none of it (docs/performance.md "Memory"). The
 * CommonJS module object reads an export only when it is used.
 */
export const http = process.getBuiltinModule('node:http');
