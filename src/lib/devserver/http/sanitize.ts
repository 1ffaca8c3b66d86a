// Action buttons reach every viewer's page, so what a plugin puts in them is cleaned here, on
// the server (production trusts the manifest; a runtime owncast.actions.add could say
// anything). An action's `html` keeps only a small allowlist of formatting tags and plain
// attributes: no scripts, styles, forms or frames, no event handlers, and links only to
// http(s), mailto or relative URLs. Its `url` and `icon` must be http(s) or relative.

import { createRequire } from 'node:module';

import type sanitizeHtmlType from 'sanitize-html';

import type { ActionButton } from '../../manifest/index.js';

// sanitize-html (and its HTML parser) loads on the first button with html, not whenever the
// HTTP server's modules are imported: `owncast-plugin test` imports them and never needs it.
let sanitizer: typeof sanitizeHtmlType | undefined;
function sanitizeHtml(html: string, options: sanitizeHtmlType.IOptions): string {
  sanitizer ??= createRequire(import.meta.url)('sanitize-html') as typeof sanitizeHtmlType;
  return sanitizer(html, options);
}

const ACTION_HTML: sanitizeHtmlType.IOptions = {
  allowedTags: [
    'a', 'abbr', 'b', 'blockquote', 'br', 'code', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'li',
    'ol', 'p', 'pre', 's', 'small', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
    abbr: ['title'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  // script, style and the like go with their contents
  disallowedTagsMode: 'discard',
  parseStyleAttributes: false,
  transformTags: {
    // a link that opens a new tab must not hand the viewer page to it (window.opener)
    a: (tagName, attribs) => ({
      tagName,
      attribs: attribs.target ? { ...attribs, target: '_blank', rel: 'noopener noreferrer' } : attribs,
    }),
  },
};

/** An action button's HTML with everything outside the allowlist removed. */
export function sanitizeActionHtml(html: string): string {
  return sanitizeHtml(html, ACTION_HTML);
}

/** http(s) or a path on this server (not protocol-relative); anything else (javascript:, data:) is refused. */
export function isSafeActionUrl(url: string): boolean {
  const u = url.trim();
  return /^https?:\/\//i.test(u) || (u.startsWith('/') && !u.startsWith('//') && !u.startsWith('/\\'));
}

/**
 * The button as viewers get it: html sanitized, an unsafe icon blanked; null when its url is
 * unsafe (the button would be a script).
 */
export function sanitizeAction(action: ActionButton): ActionButton | null {
  if (action.url !== '' && !isSafeActionUrl(action.url)) return null;
  return {
    ...action,
    html: action.html === '' ? '' : sanitizeActionHtml(action.html),
    icon: action.icon === '' || isSafeActionUrl(action.icon) ? action.icon : '',
  };
}
