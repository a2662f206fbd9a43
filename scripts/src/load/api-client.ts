import {
  ApiErrorSchema, EnrollResponseSchema, RuleSchema, ScriptSchema,
  type EnrollRequest, type EnrollResponse, type EnrollmentTokenInput, type JobInputSchema, type Rule, type RuleInput, type UnsignedScriptInputSchema,
} from '@vigil/shared';
import { z } from 'zod';
import { JobProgressSchema, type JobProgress } from './job-progress.js';

const CreatedEnrollmentTokenSchema = z.object({ token: z.string().min(16) });
const CreatedScriptSchema = ScriptSchema.pick({ id: true });

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds the collector asked to wait (Retry-After on a 429), if it did. */
    readonly retryAfterSec: number | null = null,
  ) {
    super(message);
  }
}

/** The few collector HTTP calls the simulator makes, each bounded by a timeout. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs: number,
  ) {}

  async createEnrollmentToken(input: Partial<EnrollmentTokenInput> & { tenant: string }): Promise<string> {
    const body = await this.request('POST', '/api/v1/enrollment-tokens', input);
    return CreatedEnrollmentTokenSchema.parse(body).token;
  }

  async enroll(request: EnrollRequest): Promise<EnrollResponse> {
    return EnrollResponseSchema.parse(await this.request('POST', '/api/v1/agents/enroll', request, false));
  }

  async createRule(input: Partial<RuleInput> & Pick<RuleInput, 'name' | 'metric' | 'op' | 'threshold'>): Promise<Rule> {
    return RuleSchema.parse(await this.request('POST', '/api/v1/rules', input));
  }

  async deleteRule(id: string): Promise<void> {
    await this.request('DELETE', `/api/v1/rules/${encodeURIComponent(id)}`);
  }

  /** Ids of the unresolved alerts the token can see (up to 10,000, the API's page limit). */
  async activeAlertIds(): Promise<string[]> {
    const body = (await this.request('GET', '/api/v1/alerts?state=active&limit=10000')) as { alerts?: Array<{ id: string }> };
    return (body.alerts ?? []).map((a) => a.id);
  }

  async acknowledgeAlert(id: string, comment: string): Promise<void> {
    await this.request('POST', `/api/v1/alerts/${encodeURIComponent(id)}/ack`, { comment });
  }

  /** Adds an unsigned script (the legacy shape); returns its id. */
  async createScript(input: z.input<typeof UnsignedScriptInputSchema>): Promise<string> {
    return CreatedScriptSchema.parse(await this.request('POST', '/api/v1/scripts', input)).id;
  }

  async createJob(input: z.input<typeof JobInputSchema>): Promise<JobProgress> {
    return JobProgressSchema.parse(await this.request('POST', '/api/v1/jobs', input));
  }

  async getJob(id: string): Promise<JobProgress> {
    return JobProgressSchema.parse(await this.request('GET', `/api/v1/jobs/${encodeURIComponent(id)}`));
  }

  /** A job's live progress, a WebSocket that takes the token in its Authorization header. */
  jobStream(id: string): { url: string; headers: Record<string, string> } {
    const url = new URL(`/api/v1/jobs/${encodeURIComponent(id)}/stream`, this.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return { url: url.toString(), headers: { authorization: `Bearer ${this.token}` } };
  }

  /** A GET whose body is read and dropped; throws unless the answer is 2xx. */
  async probe(path: string, authenticated = true): Promise<void> {
    const response = await this.fetch('GET', path, undefined, authenticated);
    await response.arrayBuffer();
    if (!response.ok) throw new ApiRequestError(response.status, `GET ${path}: HTTP ${response.status}`);
  }

  /** The collector's own Prometheus exposition, as text. */
  async metricsText(): Promise<string> {
    const response = await this.fetch('GET', '/metrics');
    const text = await response.text();
    if (!response.ok) throw new ApiRequestError(response.status, `GET /metrics: HTTP ${response.status}`);
    return text;
  }

  /** The alert stream URL; the token goes in the query as a browser's would. */
  alertStreamUrl(): string {
    const url = new URL('/api/v1/alerts/stream', this.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', this.token);
    return url.toString();
  }

  agentSocketUrl(): string {
    const url = new URL('/agent', this.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  }

  private async request(method: string, path: string, body?: unknown, authenticated = true): Promise<unknown> {
    const response = await this.fetch(method, path, body, authenticated);
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 200);
      try {
        const parsed = ApiErrorSchema.safeParse(JSON.parse(text));
        if (parsed.success) message = `${parsed.data.error.code}: ${parsed.data.error.message}`;
      } catch {
        // Not JSON: the raw text is the best description there is.
      }
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new ApiRequestError(response.status, `${method} ${path}: HTTP ${response.status} ${message}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
    }
    return text ? (JSON.parse(text) as unknown) : null;
  }

  private async fetch(method: string, path: string, body?: unknown, authenticated = true): Promise<Response> {
    const headers: Record<string, string> = {};
    if (authenticated) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      // fetch says only "fetch failed"; the socket error (ECONNREFUSED, EMFILE...) is its cause.
      const cause = (err as { cause?: unknown }).cause;
      const detail = cause instanceof Error ? cause.message : (err as Error).message;
      throw new Error(`${method} ${path}: ${detail}`, { cause: err });
    }
  }
}
