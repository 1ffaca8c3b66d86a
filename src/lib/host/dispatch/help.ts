// The host-owned !help / !commands answer (production help.go), sent as a system message.

import type { PluginCommand } from '../types.js';
import { DEFAULT_COMMAND_PREFIX } from './commands.js';

/** "!help" or "!commands", trimmed and case-insensitive; "help" and "!helpme" are not. */
export function isHelpCommand(body: unknown): boolean {
  if (typeof body !== 'string') return false;
  const b = body.trim().toLowerCase();
  return b === '!help' || b === '!commands';
}

export interface HelpSource {
  slug: string;
  /** Display name; the slug when empty. */
  name: string;
  commands: readonly PluginCommand[];
}

/**
 * Markdown: "Available chat commands:", then per plugin (sorted by display name) a bold heading
 * and one bullet per command (sorted by name): "- `<prefix><name>`", " — <description>" and
 * " _(mod)_" for mod-only ones, which non-moderators do not see. Nothing to list → "" (stay silent).
 */
export function buildHelpMessage(plugins: readonly HelpSource[], moderator: boolean): string {
  const label = (p: HelpSource) => p.name || p.slug;
  const sorted = [...plugins].sort((a, b) => byteCompare(label(a), label(b)));
  const groups: string[] = [];
  for (const plugin of sorted) {
    const lines = [...plugin.commands]
      .sort((a, b) => byteCompare(a.name, b.name))
      .filter((c) => moderator || !c.modOnly)
      .map((c) => {
        let line = `- \`${c.prefix || DEFAULT_COMMAND_PREFIX}${c.name}\``;
        if (c.description) line += ` — ${c.description}`;
        if (c.modOnly) line += ' _(mod)_';
        return line;
      });
    // blank lines around each list so markdown renders a list, not one run-on line
    if (lines.length > 0) groups.push(`\n\n**${label(plugin)}**\n\n${lines.join('\n')}`);
  }
  return groups.length === 0 ? '' : `Available chat commands:${groups.join('')}`;
}

/** Go compares strings byte-wise (UTF-8); JS's < compares UTF-16 units. Sort as production does. */
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
