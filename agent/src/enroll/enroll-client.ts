import { ApiErrorSchema, EnrollResponseSchema, describeZodError, type EnrollRequest, type EnrollResponse } from '@vigil/shared';
import { UntrustedCollectorError, type ServerTrust } from '../connection/server-trust.js';
import { EnrollError } from './enroll-error.js';
import { PostTimeoutError, postJson, type HttpReply } from './post-json.js';

export { EnrollError } from './enroll-error.js';

/**
 * POSTs the enrollment request over a connection checked against `trust` (the same check every
 * later connection gets); the collector's `{error:{message}}` becomes the error message.
 */
export async function requestEnrollment(server: string, request: EnrollRequest, timeoutMs: number, trust: ServerTrust = {}): Promise<EnrollResponse> {
  const url = new URL('api/v1/agents/enroll', server.endsWith('/') ? server : `${server}/`);
  let response: HttpReply;
  try {
    response = await postJson(url, request, trust, timeoutMs);
  } catch (error) {
    if (error instanceof UntrustedCollectorError) {
      throw new EnrollError(`refusing to enroll with ${url.origin}, nothing was sent: ${error.message}. Check --ca or --fingerprint against the certificate \`vigil-collector serve\` printed`);
    }
    if (error instanceof PostTimeoutError) throw new EnrollError(`no answer from ${url.origin} within ${timeoutMs} ms`);
    throw new EnrollError(`cannot reach ${url.origin}: ${(error as Error).message}`);
  }

  let body: unknown;
  try {
    body = response.text ? JSON.parse(response.text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.status < 200 || response.status > 299) {
    const apiError = ApiErrorSchema.safeParse(body);
    const detail = apiError.success ? apiError.data.error.message : response.text.trim().slice(0, 200) || response.statusText;
    throw new EnrollError(`enrollment refused (HTTP ${response.status}): ${detail}`);
  }
  const parsed = EnrollResponseSchema.safeParse(body);
  if (!parsed.success) throw new EnrollError(`unexpected enrollment response: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
