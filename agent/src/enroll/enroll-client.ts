import { ApiErrorSchema, EnrollResponseSchema, describeZodError, type EnrollRequest, type EnrollResponse } from '@vigil/shared';

export class EnrollError extends Error {}

/** POSTs the enrollment request; the collector's `{error:{message}}` becomes the error message. */
export async function requestEnrollment(server: string, request: EnrollRequest, timeoutMs: number): Promise<EnrollResponse> {
  const url = new URL('api/v1/agents/enroll', server.endsWith('/') ? server : `${server}/`);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const err = error as Error & { cause?: { message?: string } };
    if (err.name === 'TimeoutError') throw new EnrollError(`no answer from ${url.origin} within ${timeoutMs} ms`);
    throw new EnrollError(`cannot reach ${url.origin}: ${err.cause?.message ?? err.message}`);
  }

  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const apiError = ApiErrorSchema.safeParse(body);
    const detail = apiError.success ? apiError.data.error.message : text.trim().slice(0, 200) || response.statusText;
    throw new EnrollError(`enrollment refused (HTTP ${response.status}): ${detail}`);
  }
  const parsed = EnrollResponseSchema.safeParse(body);
  if (!parsed.success) throw new EnrollError(`unexpected enrollment response: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
