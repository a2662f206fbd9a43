import type { Alert, AlertFeedMessage, FieldError, WhoAmI } from '@vigil/shared';

export type { Alert, AlertFeedMessage, FieldError, WhoAmI };

const TOKEN_KEY = 'vigil.token';

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A token handed over in the URL fragment (`#token=…`, as the demo prints) moves to sessionStorage. */
export function adoptTokenFromFragment(): void {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!fromHash) return;
  setToken(fromHash);
  history.replaceState(null, '', location.pathname + location.search);
}

/** A refused request: the HTTP status and the API's `{ error: { code, message, fields? } }`. */
export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly fields: FieldError[] = []) {
    super(message);
  }

  /** The message for one field (by its dotted path in the request body), if the API named it. */
  fieldMessage(path: string): string | undefined {
    return this.fields.find((f) => f.path === path)?.message;
  }
}

export async function api<T>(method: string, path: string, body?: unknown, token: string | null = getToken()): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : null;
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; fields?: FieldError[] } } | null)?.error;
    throw new ApiFailure(res.status, error?.code ?? 'http_error', error?.message ?? `${method} ${path} answered ${res.status}`, error?.fields ?? []);
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function wsUrl(path: string, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}?token=${encodeURIComponent(token)}`;
}

export function streamUrl(token: string): string {
  return wsUrl('/api/v1/alerts/stream', token);
}

/** The live stream of one job's runs and output (GET /api/v1/jobs/:id/stream). */
export function jobStreamUrl(jobId: string, token: string): string {
  return wsUrl(`/api/v1/jobs/${encodeURIComponent(jobId)}/stream`, token);
}

/** Milliseconds since the epoch as local date and time, or an em dash. */
export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : new Date(ms).toLocaleString();
}
