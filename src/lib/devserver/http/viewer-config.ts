// What plugins contribute to the viewer page (production §3.7; Owncast's /api/config and
// /customjavascript, reference-plugin-sdk §G.6): styles, scripts, extra page content and
// tabs, from files in assets/ (never served themselves) and from the content exports, each
// piece under the attribution comment production writes, `<plugin: slug — file>`; scripts
// each in their own try/catch so one plugin's error cannot stop the others'. Only plugins
// holding ui.modify contribute (the manifest cannot declare these without it).

import type { HostUser } from '../../host/env/types.js';
import type { ActionButton } from '../../manifest/index.js';
import type { HttpPluginView, PluginHttpBackend } from './backend.js';
import { sanitizeAction } from './sanitize.js';

export interface PluginTab {
  /** The plugin the tab belongs to. */
  plugin: string;
  /** The tab's own slug (unique within its plugin). */
  slug: string;
  title: string;
  html: string;
}

/** Owncast's /api/config fields that plugins fill. */
export interface ViewerConfig {
  customStyles: string;
  extraPageContent: string;
  pluginTabs: PluginTab[];
  externalActions: ActionButton[];
}

export interface ContributionContext {
  backend: PluginHttpBackend;
  /** The viewer, passed to on_tab_content / on_page_content. */
  user?: HostUser;
  warn(message: string): void;
}

// Attribution comments. The file part is the plugin's own text, so it cannot close the comment.
const cssComment = (slug: string, file: string) => `/* plugin: ${slug} — ${file.replaceAll('*/', '* /')} */`;
const jsComment = (slug: string, file: string) => `// plugin: ${slug} — ${file.replace(/[\r\n\u2028\u2029]/g, ' ')}`;
const htmlComment = (slug: string, file: string) => `<!-- plugin: ${slug} — ${file.replaceAll('--', '- -')} -->`;

/** A script under its attribution, in a try/catch that reports its error and lets the page go on. */
export function wrapScript(slug: string, file: string, code: string): string {
  const label = JSON.stringify(`plugin ${slug}: ${file} failed`);
  return `${jsComment(slug, file)}\ntry {\n${code}\n} catch (err) {\n  console.error(${label}, err);\n}\n`;
}

const contributes = (p: HttpPluginView) => p.permissions.includes('ui.modify');

/** "/plugins/<slug>/css/a.css" (as validation rewrote it) → "css/a.css" in assets/. */
function assetPath(p: HttpPluginView, url: string): string {
  const prefix = `/plugins/${p.slug}/`;
  return url.startsWith(prefix) ? url.slice(prefix.length) : url.replace(/^\/+/, '');
}

function readAsset(p: HttpPluginView, url: string, ctx: ContributionContext): string | null {
  const path = assetPath(p, url);
  let bytes: Uint8Array | null = null;
  try {
    bytes = p.assets?.read(path) ?? null;
  } catch (err) {
    ctx.warn(`plugin ${p.slug}: reading assets/${path} failed: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
  if (!bytes) {
    ctx.warn(`plugin ${p.slug}: assets/${path} (named in its manifest) is missing`);
    return null;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

async function contributors(ctx: ContributionContext): Promise<HttpPluginView[]> {
  return (await ctx.backend.plugins()).filter(contributes);
}

/** Every contributor's stylesheets from assets/, then its on_page_styles. */
export async function buildStyles(ctx: ContributionContext): Promise<string> {
  const pieces = await Promise.all(
    (await contributors(ctx)).map(async (p) => {
      const out: string[] = [];
      for (const url of p.manifest.styles) {
        const css = readAsset(p, url, ctx);
        if (css !== null) out.push(`${cssComment(p.slug, assetPath(p, url))}\n${css}\n`);
      }
      const dynamic = await ctx.backend.content(p.slug, 'on_page_styles', '');
      if (dynamic !== '') out.push(`${cssComment(p.slug, 'on_page_styles()')}\n${dynamic}\n`);
      return out.join('');
    }),
  );
  return pieces.join('');
}

/** Every contributor's scripts from assets/, then its on_page_scripts, each wrapped. */
export async function buildScripts(ctx: ContributionContext): Promise<string> {
  const pieces = await Promise.all(
    (await contributors(ctx)).map(async (p) => {
      const out: string[] = [];
      for (const url of p.manifest.scripts) {
        const js = readAsset(p, url, ctx);
        if (js !== null) out.push(wrapScript(p.slug, assetPath(p, url), js));
      }
      const dynamic = await ctx.backend.content(p.slug, 'on_page_scripts', '');
      if (dynamic !== '') out.push(wrapScript(p.slug, 'on_page_scripts()', dynamic));
      return out.join('');
    }),
  );
  return pieces.join('');
}

/** extraPageContent: an assets/ file, or on_page_content for the declared slot. */
export async function buildExtraPageContent(ctx: ContributionContext): Promise<string> {
  const pieces = await Promise.all(
    (await contributors(ctx)).map(async (p) => {
      const epc = p.manifest.extraPageContent;
      if (!epc) return '';
      if (epc.content !== '') {
        const html = readAsset(p, epc.content, ctx);
        return html === null ? '' : `${htmlComment(p.slug, assetPath(p, epc.content))}\n${html}\n`;
      }
      if (epc.slug === '') return '';
      const html = await ctx.backend.content(p.slug, 'on_page_content', JSON.stringify({ slug: epc.slug, ...(ctx.user ? { user: ctx.user } : {}) }));
      return html === '' ? '' : `${htmlComment(p.slug, 'on_page_content()')}\n${html}\n`;
    }),
  );
  return pieces.join('');
}

/** Every contributor's tabs: an assets/ file, or on_tab_content for the tab's slug. */
export async function buildTabs(ctx: ContributionContext): Promise<PluginTab[]> {
  const perPlugin = await Promise.all(
    (await contributors(ctx)).map(async (p) => {
      const tabs: PluginTab[] = [];
      for (const tab of p.manifest.tabs) {
        let html: string;
        if (tab.content !== '') {
          const file = readAsset(p, tab.content, ctx);
          html = file === null ? '' : `${htmlComment(p.slug, assetPath(p, tab.content))}\n${file}`;
        } else {
          const out = await ctx.backend.content(p.slug, 'on_tab_content', JSON.stringify({ slug: tab.slug, ...(ctx.user ? { user: ctx.user } : {}) }));
          html = out === '' ? '' : `${htmlComment(p.slug, 'on_tab_content()')}\n${out}`;
        }
        tabs.push({ plugin: p.slug, slug: tab.slug, title: tab.title, html });
      }
      return tabs;
    }),
  );
  return perPlugin.flat();
}

/**
 * Every plugin's action buttons: its manifest's, then those it added at runtime, each
 * sanitized for the viewer page (a button with an unsafe url is left out, and logged).
 */
export async function collectActions(ctx: ContributionContext): Promise<ActionButton[]> {
  const perPlugin = await Promise.all(
    (await ctx.backend.plugins()).map(async (p) => {
      const all = [...p.manifest.actions, ...(await ctx.backend.runtimeActions(p.slug))];
      return all.flatMap((action) => {
        const clean = sanitizeAction(action);
        if (!clean) ctx.warn(`plugin ${p.slug}: action "${action.title}" left out: its url ${JSON.stringify(action.url)} is not http(s) or a path`);
        return clean ? [clean] : [];
      });
    }),
  );
  return perPlugin.flat();
}

/** /api/config's plugin fields, assembled now. */
export async function buildViewerConfig(ctx: ContributionContext): Promise<ViewerConfig> {
  const [customStyles, extraPageContent, pluginTabs, externalActions] = await Promise.all([
    buildStyles(ctx),
    buildExtraPageContent(ctx),
    buildTabs(ctx),
    collectActions(ctx),
  ]);
  return { customStyles, extraPageContent, pluginTabs, externalActions };
}
