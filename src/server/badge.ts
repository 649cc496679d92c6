/**
 * Status badges as flat two-part SVGs ("uptime 24h | 99.95%"), coloured by thresholds in the manner of Gatus's
 * badges: green through yellow to red as uptime falls or response time grows, grey without data. Every text is
 * XML-escaped: a probe name comes from config and is never markup.
 */
const COLOURS = ['#40cc11', '#94cc11', '#ccd311', '#ccb311', '#cc8111', '#c7130a'] as const;
const NO_DATA = '#9f9f9f';
/** lowest uptime (%) of each colour, best first; below the last: red */
const UPTIME_FLOORS = [97.5, 95, 90, 80, 65];
/** highest response time (ms) of each colour, best first; above the last: red */
const RESPONSE_CEILINGS = [50, 200, 300, 500, 750];

export function uptimeColour(percent: number | null): string {
  if (percent === null) return NO_DATA;
  const at = UPTIME_FLOORS.findIndex((floor) => percent >= floor);
  return COLOURS[at === -1 ? COLOURS.length - 1 : at] ?? NO_DATA;
}

export function responseTimeColour(ms: number | null): string {
  if (ms === null) return NO_DATA;
  const at = RESPONSE_CEILINGS.findIndex((ceiling) => ms <= ceiling);
  return COLOURS[at === -1 ? COLOURS.length - 1 : at] ?? NO_DATA;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** about Verdana 11px: narrow letters ~4px, wide ones ~9px, the rest ~7px; enough to size the boxes */
function textWidth(text: string): number {
  let width = 0;
  for (const c of text) width += /[ijlt.,:;|!'I1 ]/.test(c) ? 4 : /[mwMW%@]/.test(c) ? 10 : 7;
  return width;
}

/** `title` (the probe's name and the figure) is what screen readers and tooltips show */
export function badgeSvg(label: string, value: string, colour: string, title: string): string {
  const left = textWidth(label) + 10;
  const right = textWidth(value) + 10;
  const width = left + right;
  const [l, v, t] = [escapeXml(label), escapeXml(value), escapeXml(title)];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${t}">`,
    `<title>${t}</title>`,
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${colour}"/>`,
    `<rect width="${width}" height="20" fill="url(#s)"/></g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">`,
    `<text x="${left / 2}" y="14">${l}</text><text x="${left + right / 2}" y="14">${v}</text>`,
    `</g></svg>`,
    '',
  ].join('\n');
}
