// The web console (issue 4 item 5): static files shipped in the package's console/ folder.
// `/` is the page, `/_console/<file>` its scripts and styles, and `/styles/plugin.css` a
// stand-in for Owncast's admin stylesheet, which the host links into plugin admin pages.
// Files are read on every request (no-cache), so editing them needs no restart.

import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

import { packageRoot } from '../../engine/paths.js';
import { sendBody, sendError, sendMethodNotAllowed, sendNotFound } from '../http/respond.js';
import { typeByExtension } from '../http/mime.js';

/** Where the console's files are: `console/` at the package root (listed in package.json "files"). */
export function consoleDir(): string {
  return join(packageRoot(), 'console');
}

/** URL prefix of the console's own assets. */
export const CONSOLE_ASSET_PREFIX = '/_console/';

// Lower-case names and folders, one dot before a known extension: no "..", no "%", no "\".
const ASSET_NAME = /^[a-z0-9][a-z0-9-]*(?:\/[a-z0-9][a-z0-9-]*)*\.(?:html|css|js|svg)$/;

/** The file under consoleDir() that answers `path`, or null when the console has no such file. */
export function consoleFileFor(path: string): string | null {
  if (path === '/') return 'index.html';
  if (path === '/styles/plugin.css') return 'admin-plugin.css';
  if (!path.startsWith(CONSOLE_ASSET_PREFIX)) return null;
  const name = path.slice(CONSOLE_ASSET_PREFIX.length);
  return ASSET_NAME.test(name) ? name : null;
}

/** Serves the console for a request nothing else (plugins, host endpoints, /_dev) took. */
export function serveConsole(req: IncomingMessage, res: ServerResponse, path: string, dir = consoleDir()): void {
  const file = consoleFileFor(path);
  if (file === null) return sendNotFound(res);
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendMethodNotAllowed(res, 'GET, HEAD');
  readFile(join(dir, file)).then(
    (bytes) => {
      const headers = {
        'Content-Type': typeByExtension(file) ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      };
      sendBody(res, 200, headers, bytes, req.method === 'HEAD');
    },
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'EISDIR') sendNotFound(res);
      else sendError(res, 500, `console: cannot read ${file}: ${err.message}`);
    },
  );
}
