import type { SmtpTarget } from '@vigil/shared';
import nodemailer from 'nodemailer';
import type { EmailContent } from '../payloads/index.js';
import { DeliveryError } from './delivery-error.js';

/**
 * Sends one mail through the channel's relay, one connection per mail (notifications are rare;
 * a pool would hold sockets open for nothing). Every phase has the timeout; an abort (timeout or
 * shutdown) settles at once, and the socket dies with its own timeout at the latest.
 */
export async function sendMail(target: SmtpTarget, content: EmailContent, signal: AbortSignal, timeoutMs: number): Promise<void> {
  const transport = nodemailer.createTransport({
    host: target.host, port: target.port, secure: target.secure,
    ...(target.auth ? { auth: { user: target.auth.user, pass: target.auth.password } } : {}),
    connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs, dnsTimeout: timeoutMs,
    logger: false, debug: false,
  });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(DeliveryError.from(signal.reason, signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([transport.sendMail({ from: target.from, to: target.to, subject: content.subject, text: content.text }), aborted]);
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    throw smtpError(err, signal);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    aborted.catch(() => {});
    transport.close();
  }
}

/** A 5xx reply is the server's final word (unknown recipient, authentication refused); the rest may pass later. */
function smtpError(err: unknown, signal: AbortSignal): DeliveryError {
  const e = err as { responseCode?: unknown; code?: unknown };
  if (typeof e.responseCode === 'number') {
    return new DeliveryError(`SMTP ${e.responseCode}${typeof e.code === 'string' ? ` (${e.code})` : ''}`, e.responseCode < 500);
  }
  return DeliveryError.from(err, signal);
}
