/**
 * A strict well-formedness check for the small XML documents the daemon serves (SVG badges): one root, every tag
 * closed in order, attributes quoted and unique, only the five predefined or numeric entities, no raw `<` or `&`
 * in text. Returns the elements with their attributes and text, for assertions. Throws on anything malformed.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /** the decoded text directly inside the element */
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*$/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string, where: string): string {
  if (/<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(text)) throw new Error(`raw < or & in ${where}: ${text}`);
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (_, e: string) =>
    e.startsWith('#x')
      ? String.fromCodePoint(parseInt(e.slice(2), 16))
      : e.startsWith('#')
        ? String.fromCodePoint(Number(e.slice(1)))
        : (ENTITIES[e] ?? ''),
  );
}

export function parseXml(doc: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const open: XmlElement[] = [];
  let rootsClosed = 0;
  const tokens = doc.replace(/^<\?xml[^?]*\?>/, '').split(/(<[^>]*>)/);
  for (const token of tokens) {
    if (!token.startsWith('<')) {
      if (token.includes('>')) throw new Error(`stray > in text: ${token}`);
      const text = decode(token, 'text');
      const parent = open.at(-1);
      if (parent) parent.text += text;
      else if (text.trim()) throw new Error(`text outside the root: ${text}`);
      continue;
    }
    const closing = /^<\/([^\s>]+)\s*>$/.exec(token);
    if (closing) {
      const top = open.pop();
      if (top?.name !== closing[1]) throw new Error(`</${closing[1]}> closes <${top?.name ?? 'nothing'}>`);
      if (open.length === 0) rootsClosed += 1;
      continue;
    }
    const tag = /^<([^\s/>]+)((?:\s+[^\s=]+="[^"]*")*)\s*(\/?)>$/.exec(token);
    if (!tag?.[1] || !NAME.test(tag[1])) throw new Error(`malformed tag ${token}`);
    if (open.length === 0 && rootsClosed > 0) throw new Error('a second root element');
    const attributes: Record<string, string> = {};
    for (const [, name = '', value = ''] of (tag[2] ?? '').matchAll(/\s+([^\s=]+)="([^"]*)"/g)) {
      if (!NAME.test(name) || name in attributes) throw new Error(`bad or repeated attribute ${name} in ${token}`);
      attributes[name] = decode(value, `attribute ${name}`);
    }
    const element = { name: tag[1], attributes, text: '' };
    elements.push(element);
    if (tag[3] === '/') {
      if (open.length === 0) rootsClosed += 1;
    } else open.push(element);
  }
  if (open.length > 0) throw new Error(`<${open.at(-1)?.name}> is never closed`);
  if (rootsClosed !== 1) throw new Error('expected exactly one root element');
  return elements;
}
