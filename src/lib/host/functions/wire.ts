// Production's wire types as Go's encoding/json reads and writes them (hostfns.go structs):
// results are encoded field by field in Go's order with `omitempty` honoured, and requests
// are decoded with Go's rules (exact-then-case-insensitive keys, unknown keys ignored, null
// leaves the zero value, a wrong type is an error with Go's wording), so a plugin sees the
// same bytes and the same failures it would see on a real Owncast.

import { goFoldKey, JsonSyntaxError, parseJson, type JsonNode } from '../../manifest/json.js';

type Scalar = 'string' | 'int' | 'int64' | 'uint64' | 'bool';
export type WireType =
  | Scalar
  | { slice: WireType }
  | { struct: WireStruct }
  /** A Go pointer: nil (undefined/null) encodes as null, decodes from null or absence. */
  | { ptr: WireType };

export interface WireField {
  name: string;
  type: WireType;
  omitempty?: boolean;
}

export interface WireStruct {
  /** The Go type name, for error messages ("plugins.<name>"). */
  name: string;
  fields: WireField[];
}

const f = (name: string, type: WireType, omitempty = false): WireField => ({ name, type, omitempty });
const strings: WireType = { slice: 'string' };

export const HOST_CHAT_USER: WireStruct = {
  name: 'HostChatUser',
  fields: [f('id', 'string'), f('displayName', 'string'), f('isBot', 'bool', true), f('isAuthenticated', 'bool', true), f('scopes', strings, true)],
};

export const WIRE = {
  StreamInfo: {
    name: 'StreamInfo',
    fields: [
      f('online', 'bool'),
      f('title', 'string', true),
      f('summary', 'string', true),
      f('viewers', 'int'),
      f('startedAt', 'string', true),
      f('latencyLevel', 'int', true),
    ],
  },
  ServerInfo: {
    name: 'ServerInfo',
    fields: [f('name', 'string', true), f('url', 'string', true), f('summary', 'string', true), f('welcomeMessage', 'string', true), f('version', 'string', true)],
  },
  StreamBroadcaster: {
    name: 'StreamBroadcaster',
    fields: [
      f('remoteAddr', 'string', true),
      f('codecs', strings, true),
      f('resolution', 'string', true),
      f('framerate', 'int', true),
      f('bitrates', { slice: 'int' }, true),
    ],
  },
  StreamVariant: {
    name: 'StreamVariant',
    fields: [
      f('width', 'int'),
      f('height', 'int'),
      f('framerate', 'int'),
      f('videoBitrate', 'int'),
      f('audioBitrate', 'int'),
      f('isPassthrough', 'bool'),
      // newer (WIRE_PROTOCOL.md): only sent when set
      f('cpuUsageLevel', 'int', true),
    ],
  },
  SocialHandle: { name: 'SocialHandle', fields: [f('platform', 'string'), f('url', 'string'), f('icon', 'string', true)] },
  Emote: { name: 'Emote', fields: [f('name', 'string'), f('url', 'string')] },
  FederationInfo: { name: 'FederationInfo', fields: [f('enabled', 'bool'), f('username', 'string', true), f('isPrivate', 'bool', true)] },
  FediversePayload: {
    name: 'FediversePayload',
    fields: [f('type', 'string'), f('body', 'string'), f('image', 'string', true), f('link', 'string', true)],
  },
  BrowserPushPayload: { name: 'BrowserPushPayload', fields: [f('title', 'string'), f('body', 'string', true), f('url', 'string', true)] },
  HostChatMessage: {
    name: 'HostChatMessage',
    fields: [
      f('id', 'string'),
      f('user', { ptr: { struct: HOST_CHAT_USER } }, true),
      f('body', 'string'),
      f('timestamp', 'string'),
      // newer: only sent when set
      f('clientId', 'uint64', true),
    ],
  },
  HostUser: {
    name: 'HostUser',
    fields: [
      f('id', 'string'),
      f('displayName', 'string'),
      f('previousNames', strings, true),
      f('createdAt', 'string', true),
      f('disabledAt', 'string', true),
      f('scopes', strings, true),
      f('isBot', 'bool', true),
      f('isAuthenticated', 'bool', true),
      // newer: only sent when set
      f('displayColor', 'int', true),
    ],
  },
  HostChatClient: {
    name: 'HostChatClient',
    fields: [
      f('id', 'uint64'),
      f('userId', 'string', true),
      f('displayName', 'string', true),
      f('connectedAt', 'string', true),
      f('userAgent', 'string', true),
      f('ipAddress', 'string', true),
      f('messageCount', 'int'),
    ],
  },
  UserRegisterRequest: {
    name: 'UserRegisterRequest',
    fields: [
      f('authId', 'string'),
      f('displayName', 'string', true),
      f('scopes', strings, true),
      f('profileUrl', 'string', true),
      f('handle', 'string', true),
      f('public', 'bool', true),
    ],
  },
  UserRegisterResult: { name: 'UserRegisterResult', fields: [f('userId', 'string', true), f('error', 'string', true)] },
  GrantSessionRequest: { name: 'GrantSessionRequest', fields: [f('userId', 'string'), f('ttl', 'int64', true)] },
  authResult: { name: 'authResult', fields: [f('error', 'string', true)] },
  UploadResult: { name: 'UploadResult', fields: [f('url', 'string')] },
} satisfies Record<string, WireStruct>;

const streamVariant: WireType = { struct: WIRE.StreamVariant };

export const VIDEO_CONFIG: WireStruct = {
  name: 'VideoConfig',
  fields: [
    f('latencyLevel', 'int'),
    f('codec', 'string'),
    f('variants', { slice: streamVariant }),
    // newer: only sent when set
    f('autoplay', 'string', true),
  ],
};

export const VIDEO_CONFIG_UPDATE: WireStruct = {
  name: 'VideoConfigUpdate',
  fields: [f('latencyLevel', { ptr: 'int' }, true), f('codec', { ptr: 'string' }, true), f('variants', { slice: streamVariant }, true)],
};

export const ACTION_BUTTON: WireStruct = {
  name: 'ActionButton',
  fields: [
    f('title', 'string'),
    f('url', 'string', true),
    f('html', 'string', true),
    f('icon', 'string', true),
    f('color', 'string', true),
    f('description', 'string', true),
    f('openExternally', 'bool', true),
  ],
};

// ---- encoding ------------------------------------------------------------------------------

/** Go's json.Marshal of `value` as the given type. */
export function encode(type: WireType, value: unknown): string {
  if (typeof type === 'string') return encodeScalar(type, value);
  if ('ptr' in type) return value === undefined || value === null ? 'null' : encode(type.ptr, value);
  if ('slice' in type) {
    if (!Array.isArray(value)) return 'null';
    return `[${value.map((v) => encode(type.slice, v)).join(',')}]`;
  }
  return encodeStruct(type.struct, value);
}

export function encodeStruct(spec: WireStruct, value: unknown): string {
  const obj = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const parts: string[] = [];
  for (const field of spec.fields) {
    const v = obj[field.name];
    if (field.omitempty && isEmpty(field.type, v)) continue;
    parts.push(`${JSON.stringify(field.name)}:${encode(field.type, v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** A list result: never null (production turns a nil slice into []). */
export function encodeList(spec: WireStruct, values: readonly unknown[] | null | undefined): string {
  return encode({ slice: { struct: spec } }, values ?? []);
}

function encodeScalar(type: Scalar, value: unknown): string {
  switch (type) {
    case 'string':
      return JSON.stringify(typeof value === 'string' ? value : '');
    case 'bool':
      return value === true ? 'true' : 'false';
    default:
      // bigint passes through exactly (uint64 client ids may exceed 2^53)
      if (typeof value === 'bigint') return (type === 'uint64' ? BigInt.asUintN(64, value) : value).toString();
      if (typeof value === 'number' && Number.isFinite(value)) return String(Math.trunc(value));
      return '0';
  }
}

function isEmpty(type: WireType, v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof type === 'string') {
    if (type === 'string') return v === '' || typeof v !== 'string';
    if (type === 'bool') return v !== true;
    return v === 0 || v === 0n || (typeof v !== 'number' && typeof v !== 'bigint');
  }
  if ('slice' in type) return !Array.isArray(v) || v.length === 0;
  if ('ptr' in type) return false;
  return false; // Go never omits a struct value
}

// ---- decoding ------------------------------------------------------------------------------

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Go's json.Unmarshal of `text` into the given type. Absent and null fields are left out of
 * the result (a pointer stays nil; callers apply zero values where Go would have them).
 */
export function decode<T = Record<string, unknown>>(text: string, type: WireType): Decoded<T> {
  let root: JsonNode;
  try {
    root = parseJson(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { ok: false, error: err.message };
    throw err;
  }
  const errors: string[] = [];
  const value = decodeNode(root, type, undefined, errors);
  return errors.length > 0 ? { ok: false, error: errors[0]! } : { ok: true, value: value as T };
}

function goTypeName(type: WireType): string {
  if (typeof type === 'string') return type;
  if ('ptr' in type) return `*${goTypeName(type.ptr)}`;
  if ('slice' in type) return `[]${goTypeName(type.slice)}`;
  return `plugins.${type.struct.name}`;
}

/** Go's UnmarshalTypeError.Value: "number <literal>" only when a numeric conversion failed. */
function jsonKind(node: JsonNode, type: WireType): string {
  if (node.type === 'boolean') return 'bool';
  if (node.type === 'number') return type === 'int' || type === 'int64' || type === 'uint64' ? `number ${node.raw}` : 'number';
  return node.type;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function decodeNode(node: JsonNode, type: WireType, where: string | undefined, errors: string[]): unknown {
  const mismatch = () => {
    const into = where ?? `Go value of type ${goTypeName(type)}`;
    errors.push(`json: cannot unmarshal ${jsonKind(node, type)} into ${where ? `${into} of type ${goTypeName(type)}` : into}`);
    return undefined;
  };
  if (node.type === 'null') return undefined;
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        return node.type === 'string' ? node.value : mismatch();
      case 'bool':
        return node.type === 'boolean' ? node.value : mismatch();
      default: {
        if (node.type !== 'number' || !/^-?\d+$/.test(node.raw)) return mismatch();
        const big = BigInt(node.raw);
        const [min, max] = type === 'uint64' ? [0n, UINT64_MAX] : [INT64_MIN, INT64_MAX];
        if (big < min || big > max) return mismatch();
        return type === 'uint64' && big > BigInt(Number.MAX_SAFE_INTEGER) ? big : Number(big);
      }
    }
  }
  if ('ptr' in type) return decodeNode(node, type.ptr, where, errors);
  if ('slice' in type) {
    if (node.type !== 'array') return mismatch();
    return node.items.map((item) => decodeNode(item, type.slice, where, errors) ?? zeroValue(type.slice));
  }
  if (node.type !== 'object') return mismatch();
  const spec = type.struct;
  const out: Record<string, unknown> = {};
  for (const member of node.members) {
    const field =
      spec.fields.find((x) => x.name === member.key) ?? spec.fields.find((x) => x.name.toLowerCase() === goFoldKey(member.key));
    if (!field) continue;
    const v = decodeNode(member.value, field.type, `Go struct field ${spec.name}.${field.name}`, errors);
    // null (and a value of the wrong type) leaves the field as it was, as in Go
    if (v !== undefined) out[field.name] = v;
  }
  return out;
}

/** What a decoded-but-absent element of a slice is in Go. */
function zeroValue(type: WireType): unknown {
  if (typeof type === 'string') return type === 'string' ? '' : type === 'bool' ? false : 0;
  if ('struct' in type) return {};
  return undefined;
}
