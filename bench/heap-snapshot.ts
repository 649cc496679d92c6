/** Summaries of a V8 heap snapshot (the `.heapsnapshot` JSON) for bench/rss-breakdown.ts. */

export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Graph {
  nodeFields: number;
  edgeFields: number;
  /** index into `edges` of each node's first edge, by node ordinal */
  firstEdge: Uint32Array;
  typeOf(node: number): string;
  nameOf(node: number): string;
  sizeOf(node: number): number;
  /** the nodes `node` points to: [edge name, target node index] (element/hidden edges are named by their index) */
  edgesOf(node: number): [string, number][];
}

function graph(heap: HeapSnapshot): Graph {
  const { meta } = heap.snapshot;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const [nodeTypes] = meta.node_types;
  const [edgeTypes] = meta.edge_types;
  const edgeCount = meta.node_fields.indexOf('edge_count');
  const firstEdge = new Uint32Array(heap.nodes.length / nodeFields);
  for (let i = 0, e = 0; i < heap.nodes.length; i += nodeFields) {
    firstEdge[i / nodeFields] = e;
    e += heap.nodes[i + edgeCount] * edgeFields;
  }
  return {
    nodeFields,
    edgeFields,
    firstEdge,
    typeOf: (node) => nodeTypes[heap.nodes[node]],
    nameOf: (node) => heap.strings[heap.nodes[node + 1]],
    sizeOf: (node) => heap.nodes[node + meta.node_fields.indexOf('self_size')],
    edgesOf(node) {
      const from = firstEdge[node / nodeFields];
      const out: [string, number][] = [];
      for (let e = from; e < from + heap.nodes[node + edgeCount] * edgeFields; e += edgeFields) {
        const type = edgeTypes[heap.edges[e]];
        const name = type === 'element' || type === 'hidden' ? String(heap.edges[e + 1]) : heap.strings[heap.edges[e + 1]];
        out.push([name, heap.edges[e + 2]]);
      }
      return out;
    },
  };
}

function top(totals: Map<string, number>, count: number): [string, number][] {
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, count);
}

/** Self size by constructor for objects, by V8 type for everything else (strings, arrays, code, shapes). */
export function heapByConstructor(heap: HeapSnapshot, count: number): [string, number][] {
  const g = graph(heap);
  const totals = new Map<string, number>();
  for (let node = 0; node < heap.nodes.length; node += g.nodeFields) {
    const type = g.typeOf(node);
    const key = type === 'object' || type === 'native' ? g.nameOf(node) : `(${type})`;
    totals.set(key, (totals.get(key) ?? 0) + g.sizeOf(node));
  }
  return top(totals, count);
}

/**
 * The heap that holds a package's code: its scripts' source, and per function its closures, shared info and what
 * hangs off that (bytecode, scope info, feedback metadata). `packageOf` maps a script URL to a package name.
 */
export function heapByPackage(heap: HeapSnapshot, packageOf: (url: string) => string): [string, number][] {
  const g = graph(heap);
  const totals = new Map<string, number>();
  const add = (url: string, bytes: number): void => {
    const key = url ? packageOf(url) : '(no script)';
    totals.set(key, (totals.get(key) ?? 0) + bytes);
  };
  const scriptOf = new Map<number, string>();
  const sharedInfoScript = (sfi: number): string => {
    const script = g.edgesOf(sfi).find(([name]) => name === 'script')?.[1];
    return script === undefined ? '' : g.nameOf(script);
  };
  for (let node = 0; node < heap.nodes.length; node += g.nodeFields) {
    if (g.typeOf(node) !== 'code' || g.nameOf(node) !== '(shared function info)') continue;
    const url = sharedInfoScript(node);
    scriptOf.set(node, url);
    let bytes = g.sizeOf(node);
    for (const [, child] of g.edgesOf(node)) if (g.typeOf(child) === 'code' && g.nameOf(child).startsWith('system / ')) bytes += g.sizeOf(child);
    add(url, bytes);
  }
  const sources = new Set<number>();
  for (let node = 0; node < heap.nodes.length; node += g.nodeFields) {
    const type = g.typeOf(node);
    if (type === 'closure') {
      const shared = g.edgesOf(node).find(([name]) => name === 'shared')?.[1];
      if (shared !== undefined) add(scriptOf.get(shared) ?? '', g.sizeOf(node));
    } else if (type === 'code' && g.nameOf(node) !== '(shared function info)') {
      const source = g.edgesOf(node).find(([name]) => name === 'source')?.[1];
      if (source !== undefined && !sources.has(source) && g.typeOf(source).endsWith('string')) {
        sources.add(source);
        add(g.nameOf(node), g.sizeOf(source));
      }
    }
  }
  return top(totals, 25);
}

/** The largest single strings (their first characters and what holds them), to tell sources from data. */
export function largestStrings(heap: HeapSnapshot, count: number): { size: number; text: string; heldBy: string }[] {
  const g = graph(heap);
  const found: { node: number; size: number }[] = [];
  for (let node = 0; node < heap.nodes.length; node += g.nodeFields) {
    if (g.typeOf(node).endsWith('string') && g.sizeOf(node) > 20_000) found.push({ node, size: g.sizeOf(node) });
  }
  found.sort((a, b) => b.size - a.size);
  const top = found.slice(0, count);
  const holders = new Map<number, string>(top.map(({ node }) => [node, '']));
  for (let node = 0; node < heap.nodes.length; node += g.nodeFields)
    for (const [edge, to] of g.edgesOf(node))
      if (holders.get(to) === '') holders.set(to, `${g.typeOf(node)} ${g.nameOf(node).slice(0, 50)} .${edge}`);
  return top.map(({ node, size }) => ({ size, text: g.nameOf(node).slice(0, 60).replace(/\s+/g, ' '), heldBy: holders.get(node) ?? '' }));
}
