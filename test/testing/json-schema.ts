// Just enough of JSON Schema draft-07 to check the shipped schemas (scenario.schema.json,
// manifest.schema.json) against documents: type, enum, const, properties, required,
// additionalProperties, propertyNames, items, contains, minItems, maxItems, uniqueItems,
// minProperties, maxProperties, minLength, pattern, minimum, maximum, allOf, anyOf, oneOf, not,
// if/then/else and local $refs. Returns the problems found ("" when valid).

type Schema = boolean | Record<string, unknown>;

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

export function validate(root: Record<string, unknown>, value: unknown): string[] {
  const resolve = (ref: string): Schema => {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let node: unknown = root;
    for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part];
    if (node === undefined) throw new Error(`dangling $ref ${ref}`);
    return node as Schema;
  };

  const check = (schema: Schema, v: unknown, at: string): string[] => {
    if (schema === true) return [];
    if (schema === false) return [`${at}: not allowed`];
    const s = schema;
    const out: string[] = [];
    if (typeof s.$ref === 'string') out.push(...check(resolve(s.$ref), v, at));
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      const t = typeOf(v);
      if (!types.some((x) => x === t || (x === 'number' && (t === 'integer' || t === 'number')))) return [...out, `${at}: expected ${types.join('|')}, got ${t}`];
    }
    if (Array.isArray(s.enum) && !s.enum.includes(v)) out.push(`${at}: not one of ${JSON.stringify(s.enum)}`);
    if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(v)) out.push(`${at}: not ${JSON.stringify(s.const)}`);
    if (typeof v === 'string') {
      if (typeof s.minLength === 'number' && v.length < s.minLength) out.push(`${at}: shorter than ${s.minLength}`);
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) out.push(`${at}: does not match ${s.pattern}`);
    }
    if (typeof v === 'number') {
      if (typeof s.minimum === 'number' && v < s.minimum) out.push(`${at}: below ${s.minimum}`);
      if (typeof s.maximum === 'number' && v > s.maximum) out.push(`${at}: above ${s.maximum}`);
    }
    if (Array.isArray(v) && s.items !== undefined) v.forEach((item, i) => out.push(...check(s.items as Schema, item, `${at}/${i}`)));
    if (Array.isArray(v)) {
      if (s.contains !== undefined && !v.some((item) => check(s.contains as Schema, item, at).length === 0)) out.push(`${at}: contains no matching item`);
      if (typeof s.minItems === 'number' && v.length < s.minItems) out.push(`${at}: fewer than ${s.minItems} items`);
      if (typeof s.maxItems === 'number' && v.length > s.maxItems) out.push(`${at}: more than ${s.maxItems} items`);
      if (s.uniqueItems === true && new Set(v.map((item) => JSON.stringify(item))).size !== v.length) out.push(`${at}: items are not unique`);
    }
    if (typeOf(v) === 'object') {
      const obj = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const count = Object.keys(obj).length;
      if (typeof s.minProperties === 'number' && count < s.minProperties) out.push(`${at}: fewer than ${s.minProperties} properties`);
      if (typeof s.maxProperties === 'number' && count > s.maxProperties) out.push(`${at}: more than ${s.maxProperties} properties`);
      for (const key of (s.required ?? []) as string[]) if (!Object.hasOwn(obj, key)) out.push(`${at}: missing "${key}"`);
      for (const [key, val] of Object.entries(obj)) {
        if (s.propertyNames !== undefined) out.push(...check(s.propertyNames as Schema, key, `${at}/${key} (name)`));
        if (Object.hasOwn(props, key)) out.push(...check(props[key]!, val, `${at}/${key}`));
        else if (s.additionalProperties !== undefined) out.push(...check(s.additionalProperties as Schema, val, `${at}/${key}`));
      }
    }
    for (const sub of (s.allOf ?? []) as Schema[]) out.push(...check(sub, v, at));
    if (Array.isArray(s.anyOf) && !s.anyOf.some((sub: Schema) => check(sub, v, at).length === 0)) out.push(`${at}: matches none of anyOf`);
    if (Array.isArray(s.oneOf)) {
      const passing = s.oneOf.filter((sub: Schema) => check(sub, v, at).length === 0).length;
      if (passing !== 1) out.push(`${at}: matches ${passing} of oneOf (want exactly 1)`);
    }
    if (s.not !== undefined && check(s.not as Schema, v, at).length === 0) out.push(`${at}: matches "not"`);
    if (s.if !== undefined) {
      const branch = check(s.if as Schema, v, at).length === 0 ? s.then : s.else;
      if (branch !== undefined) out.push(...check(branch as Schema, v, at));
    }
    return out;
  };

  return check(root, value, '');
}

/** Every local $ref in a schema, to check that each one resolves. */
export function refsOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refsOf);
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsOf(v)));
  }
  return [];
}
