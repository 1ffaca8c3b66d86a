// A small, strict XML reader for checking the JUnit report: elements, attributes, text and
// the five predefined entities; anything not well-formed (unclosed or mismatched tags, a raw
// "<" or "&" in text, a duplicate attribute) throws.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&([a-z]+);|&/g, (m, name: string | undefined) => {
    if (name && ENTITIES[name] !== undefined) return ENTITIES[name]!;
    throw new Error(`bad entity at "${text.slice(0, 40)}"`);
  });
}

export function parseXml(source: string): XmlElement {
  let s = source.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const TAG = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/;
  while (s.length > 0) {
    if (s.startsWith('<')) {
      const m = TAG.exec(s);
      if (!m) throw new Error(`malformed tag at "${s.slice(0, 40)}"`);
      const [whole, closing, name, attrs, selfClosing] = m;
      s = s.slice(whole.length);
      if (closing) {
        const open = stack.pop();
        if (!open || open.name !== name) throw new Error(`</${name}> does not close <${open?.name}>`);
        continue;
      }
      const attributes: Record<string, string> = {};
      for (const a of attrs!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
        if (Object.hasOwn(attributes, a[1]!)) throw new Error(`duplicate attribute ${a[1]}`);
        attributes[a[1]!] = decode(a[2]!);
      }
      const el: XmlElement = { name: name!, attributes, children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
      else if (root) throw new Error('more than one root element');
      else root = el;
      if (!selfClosing) stack.push(el);
    } else {
      const end = s.indexOf('<');
      const text = end < 0 ? s : s.slice(0, end);
      s = end < 0 ? '' : s.slice(end);
      if (stack.length === 0) {
        if (text.trim() !== '') throw new Error('text outside the root element');
        continue;
      }
      stack[stack.length - 1]!.text += decode(text);
    }
  }
  if (stack.length > 0 || !root) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  return root;
}
