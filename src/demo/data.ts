/** Deterministic fake deep-tech papers and the API's answers over them (same shapes as the real FastAPI service). */
import { seededRandom } from '../support/random.js';

export interface Paper {
  id: string;
  title: string;
  authors: string[];
  published: string;
  url: string;
  topics: string[];
  score: number;
}

export interface ApiReply {
  status: number;
  body: unknown;
}

const METHODS = ['Scalable', 'Error-Corrected', 'Room-Temperature', 'Self-Supervised', 'Low-Power', 'High-Fidelity', 'Programmable', 'Bio-Inspired'];
const SUBJECTS: ReadonlyArray<readonly [string, string[]]> = [
  ['Quantum Error Correction with Surface Codes', ['quantum computing', 'error correction']],
  ['Trapped-Ion Quantum Processors', ['quantum computing', 'hardware']],
  ['Quantum Key Distribution over Metro Fibre', ['quantum networking', 'photonics']],
  ['Solid-State Lithium-Metal Batteries', ['energy storage', 'advanced materials']],
  ['Tokamak Plasma Control via Reinforcement Learning', ['fusion energy', 'machine learning']],
  ['Neuromorphic Spiking Accelerators', ['neuromorphic computing', 'ai hardware']],
  ['Silicon Photonic Interconnects', ['photonics', 'ai hardware']],
  ['CRISPR Base Editing Delivery', ['synthetic biology', 'gene editing']],
  ['Direct Air Carbon Capture Sorbents', ['climate tech', 'advanced materials']],
  ['Perovskite Tandem Solar Cells', ['energy', 'advanced materials']],
  ['Humanoid Robot Manipulation Policies', ['robotics', 'machine learning']],
  ['Small-Satellite Optical Links', ['space tech', 'photonics']],
];
const FIRST = ['Ada', 'Wei', 'Priya', 'Lars', 'Amara', 'Kenji', 'Sofia', 'Mateo', 'Noor', 'Elena', 'Tomás', 'Yuki'];
const LAST = ['Chen', 'Okafor', 'Nakamura', 'Rossi', 'Haddad', 'Kowalski', 'Singh', 'Müller', 'Silva', 'Larsen'];
const PAPER_COUNT = 240;

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)];
}

function makePapers(): Paper[] {
  const rand = seededRandom(2025);
  return Array.from({ length: PAPER_COUNT }, (_, i) => {
    const [subject, topics] = SUBJECTS[i % SUBJECTS.length];
    const month = 1 + Math.floor(i / 24);
    const day = 1 + Math.floor(rand() * 28);
    // i*311 plus a jitter below 311 keeps ids unique and increasing within the month
    const id = `25${String(month).padStart(2, '0')}.${10000 + i * 311 + Math.floor(rand() * 300)}`;
    const authorCount = 1 + Math.floor(rand() * 4);
    return {
      id,
      title: `${pick(rand, METHODS)} ${subject}`,
      authors: Array.from({ length: authorCount }, () => `${pick(rand, FIRST)} ${pick(rand, LAST)}`),
      published: `2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      url: `https://arxiv.org/abs/${id}`,
      topics: [...topics],
      score: Math.round((0.4 + rand() * 0.6) * 100) / 100,
    };
  });
}

export const PAPERS: readonly Paper[] = makePapers();

/** FastAPI's 422 shape, so clients written against the real service parse these the same way. */
function invalid(param: string, type: string, msg: string, input: string | null): ApiReply {
  return { status: 422, body: { detail: [{ type, loc: ['query', param], msg, input }] } };
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number): number | ApiReply {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw.trim())) return invalid(name, 'int_parsing', 'Input should be a valid integer, unable to parse string as an integer', raw);
  const value = Number(raw.trim());
  if (value < min) return invalid(name, 'greater_than_equal', `Input should be greater than or equal to ${min}`, raw);
  return value;
}

export function listPapers(query: URLSearchParams): ApiReply {
  const limit = intParam(query, 'limit', 10, 1);
  if (typeof limit !== 'number') return limit;
  const offset = intParam(query, 'offset', 0, 0);
  if (typeof offset !== 'number') return offset;
  const capped = Math.min(limit, 100);
  return { status: 200, body: { items: PAPERS.slice(offset, offset + capped), total: PAPERS.length, limit: capped, offset } };
}

/** Stable pseudo-random value in [0,1) for a string; keeps distances deterministic per (query, paper). */
function unitHash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

/** A stand-in for embedding search: papers mentioning more query words come closer. */
export function nearPapers(query: URLSearchParams): ApiReply {
  const text = query.get('text_query');
  if (text === null) return invalid('text_query', 'missing', 'Field required', null);
  if (text.trim() === '') return invalid('text_query', 'string_too_short', 'String should have at least 1 character', text);
  const k = intParam(query, 'k', 5, 1);
  if (typeof k !== 'number') return k;
  const capped = Math.min(k, 50);
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const scored = PAPERS.map((paper) => {
    const haystack = `${paper.title} ${paper.topics.join(' ')}`.toLowerCase();
    const hits = words.filter((w) => haystack.includes(w)).length;
    const jitter = unitHash(`${text}|${paper.id}`);
    const distance = hits > 0 ? 0.05 + 0.35 * (1 - hits / words.length) + 0.1 * jitter : 0.6 + 0.35 * jitter;
    return { paper, distance: Math.round(distance * 10_000) / 10_000 };
  });
  scored.sort((a, b) => a.distance - b.distance || a.paper.id.localeCompare(b.paper.id));
  return { status: 200, body: { query: text, k: capped, results: scored.slice(0, capped) } };
}
