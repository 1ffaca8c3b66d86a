// `serve --config slug.key=value`: admin overrides of a plugin's manifest config values, as
// Owncast's admin form would set them. Values are typed by the manifest's field type.
import { UserError } from '../errors.js';
import type { Manifest } from '../manifest/index.js';

/** slug → key → raw text, in flag order (a later flag for the same key wins). */
export type ConfigFlags = Map<string, Map<string, string>>;

export function parseConfigFlags(flags: readonly string[]): ConfigFlags {
  const out: ConfigFlags = new Map();
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const dot = flag.indexOf('.');
    if (eq < 0 || dot < 1 || dot > eq - 2) {
      throw new UserError(`--config ${JSON.stringify(flag)} is not slug.key=value`, {
        code: 'BAD_CONFIG_FLAG',
        nextSteps: ['Write it like --config my-plugin.greeting=Hello'],
      });
    }
    const slug = flag.slice(0, dot);
    const key = flag.slice(dot + 1, eq);
    const value = flag.slice(eq + 1);
    if (!out.has(slug)) out.set(slug, new Map());
    out.get(slug)!.set(key, value);
  }
  return out;
}

/**
 * The overrides for one plugin, typed by its manifest's config schema: `number`/`integer`
 * fields take numbers, `boolean` fields true/false, `string` fields the text as written,
 * anything else JSON (or the text when it is not JSON). Unknown keys are user errors that
 * list the keys the manifest declares.
 */
export function configOverridesFor(manifest: Manifest, flags: ConfigFlags): Record<string, unknown> {
  const given = flags.get(manifest.slug);
  const out: Record<string, unknown> = {};
  if (!given) return out;
  for (const [key, raw] of given) {
    const field = Object.hasOwn(manifest.config, key) ? manifest.config[key] : undefined;
    if (!field) {
      const known = Object.keys(manifest.config);
      throw new UserError(`--config ${manifest.slug}.${key}: the manifest of "${manifest.slug}" declares no config key "${key}"`, {
        code: 'BAD_CONFIG_FLAG',
        nextSteps: [known.length ? `Its config keys: ${known.join(', ')}` : `Declare it under "config" in the manifest of "${manifest.slug}".`],
      });
    }
    out[key] = typedValue(manifest.slug, key, field.type, raw);
  }
  return out;
}

function typedValue(slug: string, key: string, type: string, raw: string): unknown {
  const bad = (what: string) =>
    new UserError(`--config ${slug}.${key}=${raw}: expected ${what} (the field's type is "${type}")`, { code: 'BAD_CONFIG_FLAG' });
  switch (type) {
    case 'string':
      return raw;
    case 'number':
    case 'integer': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) throw bad(type === 'integer' ? 'an integer' : 'a number');
      return n;
    }
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw bad('true or false');
    default:
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
  }
}

/** Slugs named by --config that no served plugin has: worth a warning, not a failure. */
export function unusedConfigSlugs(flags: ConfigFlags, slugs: Iterable<string>): string[] {
  const have = new Set(slugs);
  return [...flags.keys()].filter((s) => !have.has(s));
}
