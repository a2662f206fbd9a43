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
  ws.on('message', (data) => messages.push(AlertFeedMessageSchema.parse(JSON.parse(data.toString()))));
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  await waitFor('the feed snapshot', () => messages.some((m) => m.type === 'snapshot'), 5000, 20);
  return {
    messages,
    next: (what, predicate, timeoutMs = 20_000) => waitFor(what, () => messages.find(predicate), timeoutMs, 20),
    close: () => ws.close(),
  };
}
