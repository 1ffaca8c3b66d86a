// What the dev console can ask the host worker about plugin state and the dev world, and the
// shapes of the answers. Plain data both ways (structured clone); read-only except
// recordChat, which adds an accepted /_dev/chat message to the world's chat log.

import type { HostChatMessage } from '../env/types.js';
import type { EnvWorld } from '../env/world.js';
import type { SqlRowsPage, SqlTableInfo } from '../offthread/sql/index.js';
import type { FsTreeEntry } from '../storage/index.js';

/** Entries one kv() answer lists (sorted by key; `truncated` past this). */
export const KV_INSPECT_MAX_ENTRIES = 1000;
/** A value longer than this (in characters) comes back cut, with its full size. */
export const KV_INSPECT_VALUE_MAX = 64 * 1024;
/** Rows one sqlRows() page has when the console does not say. */
export const SQL_ROWS_DEFAULT_LIMIT = 100;
/** Entries one files() answer lists. */
export const FILES_INSPECT_MAX_ENTRIES = 5000;
/** readFile() returns at most this many leading bytes. */
export const READ_FILE_MAX_BYTES = 1024 * 1024;

export interface KvEntry {
  key: string;
  /** The stored text, cut at KV_INSPECT_VALUE_MAX characters. */
  value: string;
  /** UTF-8 bytes of the whole stored value. */
  size: number;
  truncated: boolean;
  /** A key the host keeps in the plugin's namespace for its own use (owncast.actions), not one the plugin set. */
  runtime: boolean;
}

export interface KvListing {
  slug: string;
  entries: KvEntry[];
  /** Keys the plugin has. */
  total: number;
  /** More keys than KV_INSPECT_MAX_ENTRIES: the first ones by key are listed. */
  truncated: boolean;
}

export interface SqlTablesListing {
  slug: string;
  /** By name; empty for a plugin that has no database. */
  tables: SqlTableInfo[];
}

export type { SqlRowsPage, SqlTableInfo };

export interface FileListing {
  slug: string;
  /** Depth first, names in order; directories listed before their contents. */
  entries: FsTreeEntry[];
  truncated: boolean;
}

export interface FileContent {
  slug: string;
  path: string;
  /** The first READ_FILE_MAX_BYTES bytes. */
  data: Uint8Array;
  /** Bytes in the file. */
  size: number;
  truncated: boolean;
}

/** The dev world's chat log, oldest first, as GET /_dev/chat answers it. */
export interface ChatLog {
  messages: HostChatMessage[];
}

/** Everything of the dev world but the chat log: users and chat clients to act as, the stream, the server. */
export type WorldView = Omit<EnvWorld, 'chatHistory'>;

/** A message to add to the chat log; id and timestamp are filled in when absent. */
export type ChatRecord = Omit<HostChatMessage, 'id' | 'timestamp'> & Partial<Pick<HostChatMessage, 'id' | 'timestamp'>>;

export type InspectQuery =
  | { what: 'kv'; slug: string }
  | { what: 'sqlTables'; slug: string }
  | { what: 'sqlRows'; slug: string; table: string; limit: number; offset: number }
  | { what: 'files'; slug: string }
  | { what: 'readFile'; slug: string; path: string }
  | { what: 'runtimeActions'; slug: string }
  | { what: 'chatHistory' }
  | { what: 'world' }
  | { what: 'recordChat'; message: ChatRecord };
