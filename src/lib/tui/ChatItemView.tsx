import { Box, Text } from 'ink';

import { diffWords } from '../simulate/diff.js';
import { formatClock } from '../simulate/duration.js';
import { STRIKES_TO_DISABLE, type FilterPathStep, type SimEvent } from '../simulate/events.js';
import { cleanText } from '../simulate/text.js';
import type { ChatItem } from './store.js';
import { Toned } from './Tone.js';

/** One finished entry of the chat pane: a message with its path through the filters, a plugin's post, or a notice. */
export function ChatItemView({ item }: { readonly item: ChatItem }) {
  switch (item.kind) {
    case 'message':
      return <MessageView event={item.event} />;
    case 'chat':
      return <PostView event={item.event} />;
    case 'notice':
      return (
        <Text>
          <Stamp t={item.t} />
          <Toned tone={item.tone}>— {item.text} —</Toned>
        </Text>
      );
  }
}

function Stamp({ t }: { readonly t: number }) {
  return <Text dimColor>[{formatClock(t)}] </Text>;
}

const ROLE_BADGE: Record<string, string> = { moderator: ' [mod]', anonymous: ' [anon]', bot: ' [bot]' };

function MessageView({ event: e }: { readonly event: Extract<SimEvent, { type: 'message' }> }) {
  return (
    <Box flexDirection="column">
      <Text>
        <Stamp t={e.t} />
        <Text bold>{e.user.displayName}</Text>
        <Text dimColor>{ROLE_BADGE[e.user.role] ?? ''}</Text>: {cleanText(e.body)}
        {e.source === 'typed' ? <Text dimColor> (typed)</Text> : null}
      </Text>
      {e.filters.length > 0 && e.filters.every((f) => f.action === 'pass') ? (
        <Text dimColor>
          {'        '}
          <Text color="green">✓</Text> passed {e.filters.map((f) => f.slug).join(', ')}
        </Text>
      ) : (
        e.filters.map((f, i) => <FilterLine key={`${f.slug}-${i}`} step={f} last={i === e.filters.length - 1} />)
      )}
      {e.dropped ? (
        <Text color="red">{'        '}✖ not shown: dropped by {e.dropped.slug}, nobody notified</Text>
      ) : e.filters.some((f) => f.action === 'modify') ? (
        <Text>
          {'        '}
          <Text color="green">⇒</Text> shown as: {cleanText(e.shown ?? '')}
        </Text>
      ) : null}
      {e.failures.map((f) => (
        <Text key={f.slug} color="red">
          {'        '}✖ {f.slug} failed on this message: {cleanText(f.error)}
        </Text>
      ))}
    </Box>
  );
}

function FilterLine({ step, last }: { readonly step: FilterPathStep; readonly last: boolean }) {
  const lead = `        ${last ? '└' : '├'} ${step.slug} `;
  switch (step.action) {
    case 'pass':
      return (
        <Text dimColor>
          {lead}
          <Text color="green">✓ pass</Text>
        </Text>
      );
    case 'modify':
      return (
        <Text>
          <Text dimColor>{lead}</Text>
          <Text color="yellow">✎ modified </Text>
          <DiffText before={step.before} after={step.after} />
        </Text>
      );
    case 'drop':
      return (
        <Text>
          <Text dimColor>{lead}</Text>
          <Text color="red">✖ dropped: {cleanText(step.reason)}</Text>
        </Text>
      );
    case 'error':
      return (
        <Text>
          <Text dimColor>{lead}</Text>
          <Text color="red">
            ⚠ failed, passed on (strike {step.strike}/{STRIKES_TO_DISABLE}): {cleanText(step.error)}
          </Text>
        </Text>
      );
    case 'unknown':
      return (
        <Text>
          <Text dimColor>{lead}</Text>
          <Text color="yellow">? unknown action {JSON.stringify(step.value)}, passed on</Text>
        </Text>
      );
  }
}

/** What a filter changed: removed words struck through in red, then → and the replacement in green. */
function DiffText({ before, after }: { readonly before: string; readonly after: string }) {
  const parts = diffWords(before, after);
  return (
    <Text>
      {parts.map((p, i) =>
        p.kind === 'same' ? (
          <Text key={i}>{cleanText(p.text)}</Text>
        ) : p.kind === 'removed' ? (
          <Text key={i} color="red" strikethrough>
            {cleanText(p.text)}
          </Text>
        ) : (
          <Text key={i} color="green">
            {parts[i - 1]?.kind === 'removed' ? <Text dimColor>→</Text> : null}
            {cleanText(p.text)}
          </Text>
        ),
      )}
    </Text>
  );
}

/** System messages are HTML in Owncast; the terminal shows their text. */
function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function PostView({ event: e }: { readonly event: Extract<SimEvent, { type: 'chat' }> }) {
  const text = cleanText(e.kind === 'system' ? htmlText(e.text) : e.text, { multiline: true });
  switch (e.kind) {
    case 'system': {
      const [first = '', ...rest] = text.split('\n');
      return (
        <Box flexDirection="column">
          <Text>
            <Stamp t={e.t} />
            <Text color="magenta">★ {first}</Text>
            <Text dimColor> (system message{e.slug ? ` from ${e.label}` : ''})</Text>
          </Text>
          {rest.length > 0 ? <Text color="magenta">{rest.map((l) => (l ? `         ${l}` : '')).join('\n')}</Text> : null}
        </Box>
      );
    }
    case 'private':
      return (
        <Text>
          <Stamp t={e.t} />
          <Text color="cyan" bold>
            {e.label}
          </Text>
          <Text dimColor> → {e.to} (private)</Text>: {text}
        </Text>
      );
    case 'action':
      return (
        <Text>
          <Stamp t={e.t} />
          <Text color="cyan" italic>
            * {e.label} {text}
          </Text>
        </Text>
      );
    default:
      return (
        <Text>
          <Stamp t={e.t} />
          <Text color="cyan" bold>
            {e.label}
          </Text>
          <Text dimColor> [bot]</Text>: {text}
        </Text>
      );
  }
}
