/**
 * Generated hostile requests against the API of one real collector while one real agent streams:
 * bodies with a wrong type, a missing or unknown field, huge strings, infinite numbers, deep
 * nesting, prototype keys at any depth, odd unicode, invalid UTF-8, truncated JSON, the wrong
 * content type or more than the body limit, sent to the write routes; and hostile query strings
 * and path ids (SQL and LIKE metacharacters, traversal, NUL, broken percent-encoding, huge and
 * negative numbers) sent to the read routes. Every refusal is a 4xx in the API's error shape with
 * no trace of the code behind it; nothing is stored, changed or audited except the failed logins
 * the audit log exists to record; and the real agent streams on without a gap.
 */
import { generateAgentKeyPair, MAX_MESSAGE_BYTES } from '@vigil/shared';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { rawHttp, type RawHttpResponse } from '../helpers/raw-http.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

interface ReadOnlyDb {
  prepare(sql: string): { get(...params: unknown[]): unknown };
  close(): void;
}
const Database = createRequire(join(REPO_ROOT, 'collector', 'package.json'))('better-sqlite3') as new (file: string, options: { readonly: boolean; fileMustExist: boolean }) => ReadOnlyDb;

/** Fixed so that a failure replays; another seed explores other inputs. */
const SEED = Number(process.env.VIGIL_HOSTILE_SEED ?? 7_131_917);
const WRITE_RUNS = 220;
const READ_RUNS = 150;

/** What the hostile requests must not have added to. */
const COUNTED_TABLES = ['rules', 'maintenance_windows', 'jobs', 'job_runs', 'enrollment_tokens', 'agents', 'tenants', 'sites', 'api_tokens', 'users', 'scripts', 'runbooks'] as const;

// ─── the refusal every hostile request must get ─────────────────────────────────────────────

/** Traces of the code behind the API: a stack frame, a source or build path. */
// Linear on answers that echo a huge input: no unbounded run before a fixed part.
const LEAK = /\bat \S+ \(|node_modules|\.(?:ts|js):\d+|\/dist\/|\/src\//;

function expectRefusal(res: RawHttpResponse, what: string): void {
  expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  expectErrorShape(res, what);
}

function expectErrorShape(res: RawHttpResponse, what: string): void {
  expect(res.contentType, what).toMatch(/^application\/json/);
  const body = JSON.parse(res.text) as { error?: Record<string, unknown> };
  expect(Object.keys(body), `${what}: ${res.text.slice(0, 300)}`).toEqual(['error']);
  const { code, message, ...rest } = body.error ?? {};
  expect(typeof code === 'string' && code.length > 0, `${what}: code in ${res.text.slice(0, 300)}`).toBe(true);
  expect(typeof message === 'string' && message.length > 0, `${what}: message in ${res.text.slice(0, 300)}`).toBe(true);
  expect(Object.keys(rest).filter((k) => k !== 'fields'), what).toEqual([]);
  expect(LEAK.test(res.text), `${what} leaks: ${res.text.slice(0, 300)}`).toBe(false);
}

// ─── generated request bodies ───────────────────────────────────────────────────────────────

type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array';
const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

interface WriteRoute {
  name: string;
  method: 'POST' | 'PATCH';
  path(): string;
  /** A body the route would take, or refuses only for what it names (an unknown script, a wrong password). */
  base(): Record<string, unknown>;
  fields: Record<string, FieldType>;
  required: readonly string[];
  /** Refuses unknown keys. */
  strict: boolean;
  /** Object fields that refuse unknown keys of their own (a typo in a scope must not widen it). */
  strictObjects?: readonly string[];
  /** Answered without a token; sent from a fresh loopback address each, past the per-address limits. */
  public?: boolean;
  /** A JSON `null` body counts as no body here (the route's options are all optional). */
  nullIsNoBody?: boolean;
}

/** Raw JSON tokens are spliced in where these stand, since JSON.stringify cannot write them. */
const RAW_TOKENS = ['1e999', '-1e999'] as const;
const rawToken = (token: (typeof RAW_TOKENS)[number]) => `\u0000raw:${token}\u0000`;
const toJsonText = (value: unknown): string =>
  JSON.stringify(value).replace(/"\\u0000raw:([^\\]+)\\u0000"/g, (_, token: string) => token);

/** Characters that trip up encoders, normalisers, databases and terminals. */
const UNICODE_EDGES = [
  '\ud800', '\udfff', 'a\ud83d', '\u0000', '\ufffe\uffff', '\u202eevil\u202c', '\u200b\u200d\ufeff', 'e\u0301\u0301\u0301',
  '👨‍👩‍👧‍👦', '𝕳𝖔𝖘𝖙', 'İıſK', '\u0085\u2028\u2029', '%s%n%x', '${jndi:ldap://x}', '<script>alert(1)</script>', "'; DROP TABLE rules; --",
];
const unicodeString = fc.oneof(fc.constantFrom(...UNICODE_EDGES), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

/** What a successful pollution would switch on: `public` on Object.prototype would let every route skip authentication. */
const POISON = '{"polluted":"yes","public":true}';
const FORBIDDEN_SPELLINGS = ['__proto__', '\\u005f_proto__', '__pro\\u0074o__', '\\u005F\\u005Fproto\\u005F\\u005F'] as const;

type Invalidation =
  | { kind: 'wrongType'; field: string; value: unknown }
  | { kind: 'missing'; field: string }
  | { kind: 'unknownKey'; key: string; value: unknown }
  | { kind: 'unknownNestedKey'; under: string; key: string; value: unknown }
  | { kind: 'hugeString'; field: string; length: number }
  | { kind: 'infinite'; field: string; token: (typeof RAW_TOKENS)[number] }
  | { kind: 'forbiddenKey'; under: string | null; spelling: string; viaConstructor: boolean }
  | { kind: 'prototypeKey'; under: string | null; key: 'prototype' | 'constructor' }
  | { kind: 'deep'; field: string; depth: number; shape: 'array' | 'object' };

/** Mutations each of which alone makes a body unacceptable to the route. */
function invalidationArb(route: WriteRoute): fc.Arbitrary<Invalidation> {
  const fieldsOf = (type?: FieldType) => Object.keys(route.fields).filter((f) => type === undefined || route.fields[f] === type);
  const objectFields = fieldsOf('object');
  const wrongType = fc.constantFrom(...fieldsOf()).chain((field) =>
    fc.jsonValue({ maxDepth: 2 }).filter((v) => typeOf(v) !== route.fields[field]).map((value): Invalidation => ({ kind: 'wrongType', field, value })));
  const options: Array<fc.Arbitrary<Invalidation>> = [
    wrongType, wrongType,
    fc.record({ field: fc.constantFrom(...fieldsOf('string')), length: fc.integer({ min: 10_000, max: 600_000 }) }).map((m) => ({ kind: 'hugeString', ...m })),
    fc.record({ field: fc.constantFrom(...fieldsOf()), depth: fc.integer({ min: 2, max: 100_000 }), shape: fc.constantFrom('array' as const, 'object' as const) }).map((m) => ({ kind: 'deep', ...m })),
    fc.record({ under: fc.constantFrom(null, ...objectFields), spelling: fc.constantFrom(...FORBIDDEN_SPELLINGS), viaConstructor: fc.boolean() }).map((m) => ({ kind: 'forbiddenKey', ...m })),
  ];
  if (fieldsOf('number').length > 0) {
    options.push(fc.record({ field: fc.constantFrom(...fieldsOf('number')), token: fc.constantFrom(...RAW_TOKENS) }).map((m) => ({ kind: 'infinite', ...m })));
  }
  if (route.required.length > 0) options.push(fc.constantFrom(...route.required).map((field): Invalidation => ({ kind: 'missing', field })));
  const unknownKey = fc.oneof(fc.constantFrom('tenat', 'Tenant', 'tenant ', 'prototype', 'constructor'), fc.string({ minLength: 1, maxLength: 12 }), unicodeString.filter((s) => s.length > 0));
  if (route.strictObjects?.length) {
    options.push(fc.record({ under: fc.constantFrom(...route.strictObjects), key: unknownKey.filter((k) => !['tenant', 'site', 'tags', 'os', 'agents', 'agentIds'].includes(k) && !k.includes('proto')), value: fc.jsonValue({ maxDepth: 2 }) })
      .map((m) => ({ kind: 'unknownNestedKey', ...m })));
  }
  if (route.strict) {
    options.push(fc.record({ key: unknownKey.filter((k) => !(k in route.fields) && !k.includes('proto')), value: fc.jsonValue({ maxDepth: 2 }) }).map((m) => ({ kind: 'unknownKey', ...m })));
    options.push(fc.record({ under: fc.constantFrom(null, ...objectFields), key: fc.constantFrom('prototype' as const, 'constructor' as const) }).map((m) => ({ kind: 'prototypeKey', ...m })));
  }
  return fc.oneof(...options);
}

function nested(depth: number, shape: 'array' | 'object'): string {
  return shape === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** The body as JSON text with the mutation applied. */
function invalidated(body: Record<string, unknown>, m: Invalidation): string {
  const copy: Record<string, unknown> = structuredClone(body);
  const objectAt = (under: string | null): Record<string, unknown> => {
    if (under === null) return copy;
    if (typeOf(copy[under]) !== 'object') copy[under] = {};
    return copy[under] as Record<string, unknown>;
  };
  switch (m.kind) {
    case 'wrongType': copy[m.field] = m.value; return toJsonText(copy);
    case 'missing': delete copy[m.field]; return toJsonText(copy);
    case 'unknownKey': copy[m.key] = m.value; return toJsonText(copy);
    case 'unknownNestedKey': objectAt(m.under)[m.key] = m.value; return toJsonText(copy);
    case 'hugeString': copy[m.field] = 'x'.repeat(m.length); return toJsonText(copy);
    case 'infinite': copy[m.field] = rawToken(m.token); return toJsonText(copy);
    case 'prototypeKey': objectAt(m.under)[m.key] = JSON.parse(POISON); return toJsonText(copy);
    case 'deep': {
      copy[m.field] = '\u0000deep\u0000';
      return toJsonText(copy).replace('"\\u0000deep\\u0000"', () => nested(m.depth, m.shape));
    }
    case 'forbiddenKey': {
      const poison = m.viaConstructor ? `"constructor":{"prototype":${POISON}}` : `"${m.spelling}":${POISON}`;
      objectAt(m.under)['\u0000poison\u0000'] = 1;
      return toJsonText(copy).replace('"\\u0000poison\\u0000":1', () => poison);
    }
  }
}

/** How the (possibly invalidated) body goes on the wire. */
type Delivery =
  | { kind: 'json' }
  | { kind: 'truncated'; at: number }
  | { kind: 'badUtf8'; bytes: number[] }
  | { kind: 'contentType'; contentType: string }
  | { kind: 'oversized'; extra: number }
  | { kind: 'notAnObject'; value: unknown };

const BAD_UTF8 = [[0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xc1, 0xbf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]];
const WRONG_CONTENT_TYPES = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx',
  'application/vnd.api+json', 'application/json; charset=utf-16', 'application/json; charset=iso-8859-1', 'application/json;charset="windows-1252"', 'json',
];

interface WriteCase { route: WriteRoute; decorations: Array<{ field: string; value: string }>; invalidation: Invalidation; delivery: Delivery }

function writeCaseArb(routes: readonly WriteRoute[]): fc.Arbitrary<WriteCase> {
  return fc.constantFrom(...routes).chain((route) => {
    const stringFields = Object.keys(route.fields).filter((f) => route.fields[f] === 'string');
    const notAnObject = fc.jsonValue({ maxDepth: 3 }).filter((v) => typeOf(v) !== 'object' && !(route.nullIsNoBody && v === null));
    return fc.record({
      route: fc.constant(route),
      decorations: fc.array(fc.record({ field: fc.constantFrom(...stringFields), value: unicodeString }), { maxLength: 2 }),
      invalidation: invalidationArb(route),
      delivery: fc.oneof(
        { weight: 6, arbitrary: fc.constant<Delivery>({ kind: 'json' }) },
        { weight: 1, arbitrary: fc.nat().map((at): Delivery => ({ kind: 'truncated', at })) },
        { weight: 2, arbitrary: fc.constantFrom(...BAD_UTF8).map((bytes): Delivery => ({ kind: 'badUtf8', bytes })) },
        { weight: 2, arbitrary: fc.constantFrom(...WRONG_CONTENT_TYPES).map((contentType): Delivery => ({ kind: 'contentType', contentType })) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 200_000 }).map((extra): Delivery => ({ kind: 'oversized', extra })) },
        { weight: 1, arbitrary: notAnObject.map((value): Delivery => ({ kind: 'notAnObject', value })) },
      ),
    });
  });
}

/**
 * The bytes and content type of a case. Invalid UTF-8, a wrong content type and an oversized body
 * go with an otherwise acceptable body, so that only they can be what is refused.
 */
function encodeCase(c: WriteCase): { body: Buffer; contentType: string } {
  const decorated = { ...c.route.base() };
  for (const d of c.decorations) decorated[d.field] = d.value;
  const json = 'application/json';
  switch (c.delivery.kind) {
    case 'json': return { body: Buffer.from(invalidated(decorated, c.invalidation)), contentType: json };
    case 'truncated': {
      const text = invalidated(decorated, c.invalidation);
      // Any proper prefix of a JSON object is unfinished.
      return { body: Buffer.from(text.slice(0, 1 + (c.delivery.at % (text.length - 1)))), contentType: json };
    }
    case 'badUtf8': {
      const field = Object.keys(c.route.fields).find((f) => c.route.fields[f] === 'string' && typeof c.route.base()[f] === 'string')!;
      const [before, after] = toJsonText({ ...c.route.base(), [field]: '\u0000split\u0000' }).split('\\u0000split\\u0000');
      return { body: Buffer.concat([Buffer.from(`${before}ok`), Buffer.from(c.delivery.bytes), Buffer.from(`ok${after}`)]), contentType: json };
    }
    case 'contentType': return { body: Buffer.from(toJsonText(c.route.base())), contentType: c.delivery.contentType };
    case 'oversized': {
      const padding = 'p'.repeat(MAX_MESSAGE_BYTES + c.delivery.extra);
      return { body: Buffer.from(toJsonText({ ...c.route.base(), padding })), contentType: json };
    }
    case 'notAnObject': return { body: Buffer.from(toJsonText(c.delivery.value)), contentType: json };
  }
}

const describeCase = (c: WriteCase): string =>
  `${c.route.name} ${c.delivery.kind} ${JSON.stringify(c.invalidation).slice(0, 200)} ${JSON.stringify(c.decorations).slice(0, 100)}`;

// ─── generated query strings and path ids ───────────────────────────────────────────────────

const HOSTILE_TEXT = [
  "' OR '1'='1", "1' OR 1=1 --", '"; DROP TABLE agents; --', "x' UNION SELECT * FROM api_tokens --", '%', '_', '%_%', '\\', '\\%', '%.', '_.', '*', '?',
  '../../etc/passwd', '..\\..\\windows\\win.ini', '/', '.', '..', '\u0000', 'a\u0000b', '\n', '\r\n', ' ', '', 'null', 'undefined', '[]', '{}',
  '__proto__', 'constructor', 'toString', 'rul_', 'agt_', 'agt_%', 'ACME', 'acme ', ' acme',
];
const HOSTILE_NUMBERS = [
  '-1', '-0', '0', '1e309', '-1e309', '9007199254740993', '1e21', '0x10', '0b11', ' 5', '5 ', '1.5', '+1', 'NaN', 'Infinity', '-Infinity', '١٢٣', '1_000', '',
  '99999999999999999999999999999', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00.000Z', '2024-02-30T00:00:00Z', '1970-01-01T00:00:00+99:99', '2020-01-01T00:00:00',
];
/** Already percent-encoded (or deliberately broken) fragments, sent as they are. */
const RAW_FRAGMENTS = ['%', '%zz', '%c0%af', '%ed%a0%80', '%ff', '%00', '%%', '%2e%2e%2f', '%u0041', '+', '=', '==', ';', '%26', '%3D'];

const hostileText = fc.oneof(fc.constantFrom(...HOSTILE_TEXT), unicodeString, fc.string({ maxLength: 30 }), fc.nat({ max: 5000 }).map((n) => 'y'.repeat(n)));
const hostileNumber = fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), fc.double().map(String), fc.bigInt().map(String), fc.integer().map(String));

type ParamKind = 'filter' | 'number' | 'time' | 'enum';
interface ReadRoute {
  name: string;
  path(agentId: string): string;
  params: Record<string, ParamKind>;
  /** The key of the list the route answers; a hostile filter must leave it empty. */
  list?: string;
  /** Whether a 200 for this route means a filter matched nothing; for the report, what it counted. */
  empty?(body: any): boolean;
}

/** A query value: encoded text, or a raw fragment as it is. */
type QueryValue = { encoded: string } | { raw: string };
interface ReadCase { route: ReadRoute; agent: 'real' | 'hostile'; hostileId: string; params: Array<{ key: string; value: QueryValue; kind: ParamKind | 'unknown' }> }

function queryValueArb(kind: ParamKind | 'unknown'): fc.Arbitrary<QueryValue> {
  const text = kind === 'number' || kind === 'time' ? fc.oneof(hostileNumber, hostileText) : hostileText;
  return fc.oneof({ weight: 5, arbitrary: text.map((encoded) => ({ encoded })) }, { weight: 1, arbitrary: fc.constantFrom(...RAW_FRAGMENTS).map((raw) => ({ raw })) });
}

function readCaseArb(routes: readonly ReadRoute[]): fc.Arbitrary<ReadCase> {
  return fc.constantFrom(...routes).chain((route) => {
    const known = fc.constantFrom(...Object.keys(route.params)).chain((key) =>
      queryValueArb(route.params[key]!).map((value) => ({ key, value, kind: route.params[key]! })));
    const unknown = fc.record({
      key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '', '[]', 'limit[]', 'a[b]'),
      value: queryValueArb('unknown'),
      kind: fc.constant('unknown' as const),
    });
    return fc.record({
      route: fc.constant(route),
      agent: fc.constantFrom('real' as const, 'hostile' as const),
      hostileId: fc.oneof(hostileText.filter((s) => s.length > 0), fc.constantFrom(...RAW_FRAGMENTS).map((raw) => `\u0000raw:${raw}`)),
      // Repeats are allowed: `limit=1&limit=2` is one of the things sent.
      params: fc.array(fc.oneof({ weight: 4, arbitrary: known }, { weight: 1, arbitrary: unknown }), { minLength: 1, maxLength: 4 }),
    });
  });
}

/**
 * Percent-encodes every byte but the unreserved ones. Unlike encodeURIComponent it takes a lone
 * surrogate too, as the replacement character's bytes, which is what a careless client sends.
 */
const percentEncode = (text: string): string =>
  [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`)).join('');
const encodeValue = (v: QueryValue): string => ('raw' in v ? v.raw : percentEncode(v.encoded));
const encodeId = (id: string): string => (id.startsWith('\u0000raw:') ? id.slice('\u0000raw:'.length) : percentEncode(id));

/** Named a filter that cannot match anything stored: the values are hostile text, never a real id. */
const filtersSomething = (c: ReadCase): boolean => c.params.some((p) => p.kind === 'filter' && ('raw' in p.value || p.value.encoded.length > 0));

// ─── the test ───────────────────────────────────────────────────────────────────────────────

describe('hostile API requests, generated', () => {
  const tmp = makeTempDir('hostile-api');
  let collector: TestCollector;
  let agent: Child;
  let goodAgentId: string;
  let victimRule: Record<string, unknown>;
  let victimAlertId: string;
  let tablesBefore: Record<string, number>;
  let lastAuditIdBefore: number;
  /** Logins refused for their credentials: each is an audit entry by design. */
  let refusedLogins = 0;
  let nextAddress = 0;

  /** A distinct loopback source address per public request: 127.0.1.2, 127.0.1.3, … */
  const freshAddress = () => {
    const n = nextAddress++;
    return `127.0.${1 + Math.floor(n / 250)}.${2 + (n % 250)}`;
  };

  const countRows = (): Record<string, number> => {
    const db = new Database(join(collector.dataDir, 'vigil.db'), { readonly: true, fileMustExist: true });
    try {
      return Object.fromEntries(COUNTED_TABLES.map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]));
    } finally {
      db.close();
    }
  };
  const auditSince = async (id: number) =>
    ((await collector.api('GET', '/api/v1/audit?limit=10000')).body.entries as Array<{ id: number; action: string }>).filter((e) => e.id > id);
  const agentRow = async () => (await collector.api('GET', `/api/v1/agents/${goodAgentId}`)).body as { online: boolean; lastSeq: number };
  const alertState = async () => {
    const { state, acknowledgedAt, acknowledgedBy, comment, ackExpiresAt } = (await collector.api('GET', `/api/v1/alerts/${victimAlertId}`)).body;
    return { state, acknowledgedAt, acknowledgedBy, comment, ackExpiresAt };
  };

  const writeRoutes = (): WriteRoute[] => {
    const later = Date.now() + 90 * 86_400_000;
    const publicKey = generateAgentKeyPair().publicKey;
    return [
      {
        name: 'POST /api/v1/rules', method: 'POST', path: () => '/api/v1/rules', strict: true, strictObjects: ['scope'],
        base: () => ({ name: 'hostile rule', metric: 'cpu.usage_pct', op: '>', threshold: 99, priority: 'P4', scope: { tenant: 'acme' }, labels: {}, enabled: true }),
        fields: { name: 'string', metric: 'string', op: 'string', threshold: 'number', priority: 'string', scope: 'object', labels: 'object', enabled: 'boolean' },
        required: ['name', 'metric', 'op', 'threshold'],
      },
      {
        name: 'PATCH /api/v1/rules/:id', method: 'PATCH', path: () => `/api/v1/rules/${victimRule.id as string}`, strict: true, strictObjects: ['scope'],
        base: () => ({ name: 'renamed by a hostile patch', threshold: 5, scope: { tenant: 'acme' } }),
        fields: { name: 'string', threshold: 'number', scope: 'object', enabled: 'boolean', labels: 'object' },
        required: [],
      },
      {
        name: 'POST /api/v1/maintenance-windows', method: 'POST', path: () => '/api/v1/maintenance-windows', strict: true, strictObjects: ['scope'],
        base: () => ({ name: 'hostile window', scope: { tenant: 'acme' }, startsAt: later, endsAt: later + 3_600_000 }),
        fields: { name: 'string', scope: 'object', startsAt: 'number', endsAt: 'number' },
        required: ['name', 'startsAt', 'endsAt'],
      },
      {
        name: 'POST /api/v1/jobs', method: 'POST', path: () => '/api/v1/jobs', strict: true,
        base: () => ({ scriptId: 'scr_never_created', agentIds: [goodAgentId], params: {}, offline: 'expire', concurrency: 1 }),
        fields: { scriptId: 'string', agentIds: 'array', params: 'object', offline: 'string', concurrency: 'number' },
        required: ['scriptId'],
      },
      {
        name: 'POST /api/v1/enrollment-tokens', method: 'POST', path: () => '/api/v1/enrollment-tokens', strict: true,
        base: () => ({ tenant: 'acme', site: 'hq', tags: ['x'], expiresInMs: 3_600_000, maxUses: 1 }),
        fields: { tenant: 'string', site: 'string', tags: 'array', expiresInMs: 'number', maxUses: 'number' },
        required: ['tenant'],
      },
      {
        name: 'POST /api/v1/agents/enroll', method: 'POST', path: () => '/api/v1/agents/enroll', strict: false, public: true,
        base: () => ({ token: 'vge_never-issued-hostile-token', publicKey, hostname: 'intruder', os: { platform: 'linux', distro: 'x', release: '1', arch: 'x64' }, agentVersion: '1.0.0' }),
        fields: { token: 'string', publicKey: 'string', hostname: 'string', os: 'object', agentVersion: 'string' },
        required: ['token', 'publicKey', 'hostname', 'os', 'agentVersion'],
      },
      {
        name: 'POST /api/v1/alerts/:id/ack', method: 'POST', path: () => `/api/v1/alerts/${victimAlertId}/ack`, strict: true, nullIsNoBody: true,
        base: () => ({ comment: 'acknowledged by a hostile request', expiresIn: '1h' }),
        fields: { comment: 'string', expiresIn: 'string' },
        required: [],
      },
      {
        name: 'POST /api/v1/auth/login', method: 'POST', path: () => '/api/v1/auth/login', strict: true, public: true,
        base: () => ({ username: 'nobody', password: 'not the password' }),
        fields: { username: 'string', password: 'string', totp: 'string' },
        required: ['username', 'password'],
      },
    ];
  };

  const readRoutes: ReadRoute[] = [
    { name: 'alerts', path: () => '/api/v1/alerts', params: { state: 'enum', priority: 'enum', tenant: 'filter', agentId: 'filter', limit: 'number' }, list: 'alerts' },
    { name: 'telemetry', path: (id) => `/api/v1/agents/${id}/telemetry`, params: { metric: 'filter', since: 'time', until: 'time', limit: 'number' }, list: 'samples' },
    { name: 'events', path: (id) => `/api/v1/agents/${id}/events`, params: { log: 'filter', level: 'enum', since: 'time', until: 'time', limit: 'number' }, list: 'events' },
    { name: 'jobs', path: () => '/api/v1/jobs', params: { alertId: 'filter', agentId: 'filter', status: 'enum', limit: 'number' }, list: 'jobs' },
    {
      name: 'audit', path: () => '/api/v1/audit', list: 'entries',
      params: { tenant: 'filter', actor: 'filter', action: 'filter', targetType: 'filter', targetId: 'filter', since: 'time', until: 'time', limit: 'number' },
    },
    {
      name: 'kpi', path: () => '/api/v1/reports/kpi', params: { tenant: 'filter', from: 'time', to: 'time', securityPatchMaxAge: 'enum' },
      empty: (report) => report.alerts.total === 0 && report.agents.monitored === 0,
    },
    { name: 'rule by id', path: (id) => `/api/v1/rules/${id}`, params: { x: 'filter' } },
    { name: 'alert by id', path: (id) => `/api/v1/alerts/${id}`, params: { x: 'filter' } },
    { name: 'job by id', path: (id) => `/api/v1/jobs/${id}`, params: { runs: 'enum' } },
    { name: 'job runs', path: (id) => `/api/v1/jobs/${id}/runs`, params: { q: 'filter', state: 'enum', limit: 'number', offset: 'number' } },
    { name: 'window by id', path: (id) => `/api/v1/maintenance-windows/${id}`, params: { x: 'filter' } },
  ];

  beforeAll(async () => {
    console.info(`hostile API properties: fast-check seed ${SEED} (VIGIL_HOSTILE_SEED=<n> replays another)`);
    collector = await startTestCollector(`${tmp.path}/data`);
    const token = await collector.enrollToken('acme', 'hq');
    goodAgentId = await enrollAgent(collector.url, token, `${tmp.path}/agent`);
    agent = runAgent(`${tmp.path}/agent`, '1s');
    await waitFor('the real agent streaming', async () => (await agentRow()).lastSeq > 0);
    // What the hostile requests aim at: a rule to patch, and the alert it opens to acknowledge.
    const created = await collector.api('POST', '/api/v1/rules', { name: 'always firing', metric: 'cpu.usage_pct', op: '>', threshold: -1, priority: 'P4', scope: { tenant: 'acme' } });
    expect(created.status).toBe(201);
    victimRule = created.body;
    victimAlertId = await waitFor('the rule to open an alert', async () =>
      ((await collector.api('GET', `/api/v1/alerts?agentId=${goodAgentId}`)).body.alerts as Array<{ id: string; ruleId: string }>).find((a) => a.ruleId === victimRule.id)?.id);
    tablesBefore = countRows();
    lastAuditIdBefore = Math.max(0, ...(await auditSince(0)).map((e) => e.id));
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('refuses every generated hostile query string and path id with a 4xx, or answers a filter that matches nothing with nothing', async () => {
    let refused = 0;
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(readCaseArb(readRoutes), async (c) => {
        const id = c.agent === 'real' && (c.route.name === 'telemetry' || c.route.name === 'events') ? goodAgentId : encodeId(c.hostileId);
        const query = c.params.map((p) => `${percentEncode(p.key)}=${encodeValue(p.value)}`).join('&');
        const path = `${c.route.path(id)}?${query}`;
        const res = await rawHttp(collector.url, { method: 'GET', path, headers: { authorization: `Bearer ${collector.adminToken}` } });
        const what = `GET ${path.slice(0, 300)}`;
        if (res.status !== 200) {
          expectRefusal(res, what);
          refused++;
          return;
        }
        answered++;
        // Only lists answer 200 to hostile input; a read by a hostile id names nothing that exists.
        expect(c.route.list ?? c.route.empty, `${what} → 200 ${res.text.slice(0, 300)}`).toBeDefined();
        expect(LEAK.test(res.text), what).toBe(false);
        const body = JSON.parse(res.text);
        if (c.route.list) expect(Array.isArray(body[c.route.list]), what).toBe(true);
        if (filtersSomething(c)) {
          if (c.route.list) expect(body[c.route.list], `${what} matched rows`).toEqual([]);
          else expect(c.route.empty!(body), `${what} counted something`).toBe(true);
        }
      }),
      { numRuns: READ_RUNS, seed: SEED },
    );
    // Both outcomes occurred, so neither half of the check above went unexercised.
    expect(refused).toBeGreaterThan(READ_RUNS / 4);
    expect(answered).toBeGreaterThan(0);
  });

  it('refuses every generated hostile body to the write routes with a 4xx in the API error shape', async () => {
    const routes = writeRoutes();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(writeCaseArb(routes), async (c) => {
        const { body, contentType } = encodeCase(c);
        const headers: Record<string, string> = { 'content-type': contentType };
        if (!c.route.public) headers.authorization = `Bearer ${collector.adminToken}`;
        const res = await rawHttp(collector.url, { method: c.route.method, path: c.route.path(), headers, body, ...(c.route.public ? { localAddress: freshAddress() } : {}) });
        expectRefusal(res, describeCase(c));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (c.route.name === 'POST /api/v1/auth/login' && res.status === 401) refusedLogins++;
      }),
      { numRuns: WRITE_RUNS, seed: SEED },
    );
    // The refusals came from validation and the body limit, not only from one early check.
    expect(statuses.get(400)).toBeGreaterThan(WRITE_RUNS / 3);
    expect(statuses.get(413)).toBeGreaterThan(0);
    expect(statuses.get(415)).toBeGreaterThan(0);
  });

  it('stored, changed and audited nothing for the refused requests', async () => {
    expect(countRows()).toEqual(tablesBefore);
    expect((await collector.api('GET', `/api/v1/rules/${victimRule.id as string}`)).body).toEqual(victimRule);
    expect(await alertState()).toEqual({ state: 'open', acknowledgedAt: null, acknowledgedBy: null, comment: null, ackExpiresAt: null });
    // A login refused for its credentials is audited by design; nothing else that was refused is.
    const entries = await auditSince(lastAuditIdBefore);
    expect(entries.filter((e) => e.action !== 'auth.login_failed')).toEqual([]);
    expect(entries).toHaveLength(refusedLogins);
  });

  it('kept the collector up and the real agent streaming without a gap', async () => {
    expect(collector.child.process.exitCode).toBeNull();
    expect((await rawHttp(collector.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
    const before = (await agentRow()).lastSeq;
    await waitFor('the real agent to store another frame', async () => (await agentRow()).lastSeq > before);
    expect((await agentRow()).online).toBe(true);
    const samples = (await collector.api('GET', `/api/v1/agents/${goodAgentId}/telemetry?limit=100000`)).body.samples as Array<{ seq: number }>;
    const seqs = [...new Set(samples.map((s) => s.seq))].sort((a, b) => a - b);
    expect(seqs.length).toBeGreaterThan(1);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
  });

  it('shows no sign of a polluted prototype', async () => {
    expect((await rawHttp(collector.url, { method: 'GET', path: '/api/v1/agents' })).status).toBe(401);
    for (const path of ['/api/v1/agents', '/api/v1/rules', '/api/v1/alerts', '/api/v1/maintenance-windows', '/api/v1/jobs', '/api/v1/enrollment-tokens']) {
      const { status, body } = await collector.api('GET', path);
      expect(status, path).toBe(200);
      expect(JSON.stringify(body), path).not.toContain('polluted');
    }
    // A fresh rule carries exactly the fields it was given, nothing inherited.
    const rule = await collector.api('POST', '/api/v1/rules', { name: 'fresh after the storm', metric: 'cpu.usage_pct', op: '>', threshold: 99 });
    expect(rule.status).toBe(201);
    expect(rule.body).not.toHaveProperty('polluted');
    expect(rule.body).not.toHaveProperty('public');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
