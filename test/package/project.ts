// A small plugin project on disk for package and inspect tests: a manifest, a source
// entry (src/plugin.js, bundled by the real compiler), and whatever files are given.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const PROJECT_MANIFEST = {
  api: '1',
  name: 'Pack Test',
  slug: 'pack-test',
  version: '1.2.3',
  description: 'A plugin for package tests.',
  permissions: ['chat.send', 'storage.kv', 'http.serve', 'ui.modify'],
  styles: ['theme.css'],
  actions: [{ title: 'Overlay', url: '/overlay.html' }],
};

export const PROJECT_CODE = `const { definePlugin, owncast } = require("@owncast/plugin-sdk");
definePlugin({
  onChatMessage(msg) {
    owncast.kv.set("last", msg.body);
    if (msg.body === "!hi") owncast.chat.send("hello");
  },
  commands: { ping: { description: "answers pong", run() { owncast.chat.send("pong"); } } },
});
`;

export const PROJECT_FILES: Record<string, string | Buffer> = {
  'public/overlay.html': '<!doctype html><title>overlay</title>',
  'public/img/dot.bin': Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 31) & 0xff)),
  'assets/theme.css': 'body { color: rebeccapurple; }',
  'icon.png': Buffer.from('89504e470d0a1a0a', 'hex'),
  'INSTRUCTIONS.md': '# Pack Test\n\nSay !hi.\n',
  'README.md': 'not packaged',
  'notes/todo.txt': 'not packaged',
};

export async function writeProject(
  dir: string,
  options: { manifest?: object | string; code?: string; files?: Record<string, string | Buffer> } = {},
): Promise<string> {
  const manifest = options.manifest ?? PROJECT_MANIFEST;
  const files: Record<string, string | Buffer> = {
    'plugin.manifest.json': typeof manifest === 'string' ? manifest : `${JSON.stringify(manifest, null, 2)}\n`,
    'src/plugin.js': options.code ?? PROJECT_CODE,
    ...(options.files ?? PROJECT_FILES),
  };
  for (const [name, data] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), data);
  }
  return dir;
}
