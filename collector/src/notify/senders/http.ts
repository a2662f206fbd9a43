import { DeliveryError } from './delivery-error.js';

/**
 * POSTs a JSON body. 2xx is delivered; 408, 429 and 5xx are worth another attempt, other answers
 * are not (the receiver refused the request as it is). Redirects are not followed: a webhook
 * should not be able to send the collector elsewhere.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST', body, redirect: 'manual', signal,
      headers: { 'content-type': 'application/json', 'user-agent': 'vigil-collector', ...headers },
    });
  } catch (err) {
    throw DeliveryError.from(err, signal);
  }
  // The answer's body is of no use; cancelling it frees the connection at once.
  await res.body?.cancel().catch(() => {});
  if (res.status >= 200 && res.status < 300) return;
  throw new DeliveryError(`HTTP ${res.status}`, res.status >= 500 || res.status === 408 || res.status === 429);
}
