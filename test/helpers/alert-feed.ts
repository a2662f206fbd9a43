import { AlertFeedMessageSchema, type AlertFeedMessage } from '@vigil/shared';
import WebSocket from 'ws';
import { waitFor } from './wait-for.js';

export interface FeedClient {
  messages: AlertFeedMessage[];
  next(what: string, predicate: (m: AlertFeedMessage) => boolean, timeoutMs?: number): Promise<AlertFeedMessage>;
  close(): void;
}

/** Subscribes to /api/v1/alerts/stream and records every message, validated by its schema. */
export async function openFeed(wsUrl: string, token: string, via: 'header' | 'query' = 'query'): Promise<FeedClient> {
  const url = `${wsUrl}/api/v1/alerts/stream${via === 'query' ? `?token=${encodeURIComponent(token)}` : ''}`;
  const ws = new WebSocket(url, { headers: via === 'header' ? { authorization: `Bearer ${token}` } : {}, handshakeTimeout: 5000 });
  const messages: AlertFeedMessage[] = [];
  // What went wrong with the feed, named by a wait that then times out: a message thrown out of the
  // socket's listener would stop the socket reading anything more, and a closed feed would
  // otherwise only show as an event that never came.
  const problems: string[] = [];
  ws.on('message', (data) => {
    try {
      messages.push(AlertFeedMessageSchema.parse(JSON.parse(data.toString())));
    } catch (err) {
      problems.push(`unreadable feed message: ${(err as Error).message.slice(0, 500)}`);
    }
  });
  ws.on('close', (code, reason) => problems.push(`feed closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`));
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  await waitFor('the feed snapshot', () => messages.some((m) => m.type === 'snapshot'), 5000, 20);
  return {
    messages,
    next: (what, predicate, timeoutMs = 20_000) => waitFor(what, () => {
      const found = messages.find(predicate);
      if (found) return found;
      if (problems.length > 0) throw new Error(problems.join('; '));
      return undefined;
    }, timeoutMs, 20),
    close: () => ws.close(),
  };
}
