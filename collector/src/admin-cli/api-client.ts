import { ApiErrorSchema, deadlineSignal, formatDuration } from '@vigil/shared';
import WebSocket from 'ws';
import { CliError } from './cli-error.js';

/** Long enough for a slow list over a slow link; short enough that a dead server does not hang a script. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export type QueryValue = string | number | boolean | readonly string[] | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

/** The server answered with an error: `vigil: <message> (HTTP <status> <code>)`. */
export class ApiRequestError extends CliError {
  constructor(readonly status: number, readonly code: string, readonly apiMessage: string, hint?: string) {
    super(`${apiMessage} (HTTP ${status} ${code})`, hint === undefined ? {} : { hint });
  }
}

/** Builds an API path, encoding every interpolated value so an id cannot change the route. */
export function apiPath(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number>): string {
  return strings.reduce((path, part, i) => path + part + (i < values.length ? encodeURIComponent(String(values[i])) : ''), '');
}

export function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(name, item);
    else params.append(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function networkFailure(server: string, method: string, path: string, timeoutMs: number, error: unknown): CliError {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return new CliError(`${server} did not answer ${method} ${path} within ${formatDuration(timeoutMs)}`);
  const cause = err.cause?.message ?? err.cause?.code ?? err.message;
  return new CliError(`cannot reach ${server}: ${cause}`);
}

function errorFromResponse(status: number, statusText: string, text: string, hint: string | undefined): ApiRequestError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = ApiErrorSchema.safeParse(body);
  if (parsed.success) return new ApiRequestError(status, parsed.data.error.code, parsed.data.error.message, hint);
  // Something other than the collector answered (a proxy, a different service on the port).
  const code = statusText.toLowerCase().replace(/[^a-z0-9]+/g, '_') || 'http_error';
  return new ApiRequestError(status, code, 'the server answered without a Vigil error body; is this a Vigil collector?');
}

export interface ApiClientOptions {
  timeoutMs?: number;
  /** Shown under a 401: how to get a working token. */
  unauthorizedHint?: string;
}

/** The collector's REST API, with a bearer token and a deadline on every call. */
export class ApiClient {
  private readonly timeoutMs: number;

  constructor(
    readonly server: string,
    private readonly token: string | undefined,
    private readonly options: ApiClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, { body: body ?? {} });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }

  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path, {});
  }

  /**
   * A WebSocket to an API route, authenticated like every request: the token travels in the
   * Authorization header, never in the URL (where proxies and logs would keep it). Opening it is
   * bounded by the request timeout.
   */
  openWebSocket(path: string): WebSocket {
    const url = `${this.server.replace(/^http/, 'ws')}${path}`;
    return new WebSocket(url, {
      headers: this.token === undefined ? {} : { authorization: `Bearer ${this.token}` },
      handshakeTimeout: this.timeoutMs,
      followRedirects: false,
    });
  }

  async request<T>(method: string, path: string, options: { query?: Query; body?: unknown }): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const deadline = deadlineSignal(this.timeoutMs);
    let status: number;
    let statusText: string;
    let text: string;
    try {
      const response = await fetch(`${this.server}${path}${queryString(options.query)}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: deadline.signal,
        // The API never redirects; following one could hand the token to another origin.
        redirect: 'error',
      });
      status = response.status;
      statusText = response.statusText;
      text = await response.text();
    } catch (error) {
      throw networkFailure(this.server, method, path, this.timeoutMs, error);
    } finally {
      deadline.dispose();
    }
    if (status >= 400) throw errorFromResponse(status, statusText, text, status === 401 ? this.options.unauthorizedHint : undefined);
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`${this.server} answered ${method} ${path} with HTTP ${status} but not with JSON; is this a Vigil collector?`);
    }
  }
}
