import { describe, expect, it } from 'vitest';
import type { Alert } from '@vigil/shared';
import type { DeliveryBatch } from '../types.js';
import { emailPayload, genericPayload, signWebhook, slackPayload, teamsPayload, verifyWebhook, type RenderContext } from './index.js';

const alert: Alert = {
  id: 'alr_1', ruleId: 'rul_disk', ruleName: 'Root disk <almost> full', agentId: 'agt_1', hostname: 'web-1', tenantId: 'acme', siteId: 'hq',
  metric: 'disk.used_pct', labels: { mount: '/' }, op: '>', threshold: 90, priority: 'P2', state: 'open', openValue: 93.456, value: 93.456,
  openedAt: Date.UTC(2025, 0, 2, 3, 4, 5), updatedAt: 0, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null,
  comment: null, occurrences: 1, flapping: false, ackExpiresAt: null, maintenanceWindowId: null,
  respondBy: Date.UTC(2025, 0, 2, 3, 34, 5), resolveBy: Date.UTC(2025, 0, 2, 11, 4, 5), respondBreachedAt: null, resolveBreachedAt: null,
  escalationLevel: 1, escalatedAt: null, suppressedBy: null,
};
const batch: DeliveryBatch = { channelId: 'nch_1', tenantId: 'acme', ruleId: 'rul_disk', event: 'opened', items: [{ alert, event: 'opened' }] };
const ctx: RenderContext = { deliveryId: 'ntf_1', channelName: 'NOC', baseUrl: 'https://vigil.example.com/', now: Date.UTC(2025, 0, 2, 3, 5) };

describe('webhook signature', () => {
  // Computed independently: printf '%s' '1700000000.{"event":"opened"}' | openssl dgst -sha256 -hmac whsec_test_0123456789abcdef
  const vector = { secret: 'whsec_test_0123456789abcdef', timestamp: 1700000000, body: '{"event":"opened"}', signature: 'sha256=52c5f794fd3d050ee4b9b6817a8fabe6521169063153bf524d2f2f1b2d0abfdb' };

  it('is HMAC-SHA256 over "<timestamp>.<body>", hex, prefixed sha256=', () => {
    expect(signWebhook(vector.secret, vector.timestamp, vector.body)).toBe(vector.signature);
  });

  it('verifies as a receiver would: right key and body, a fresh timestamp', () => {
    const headers = { signature: vector.signature, timestamp: String(vector.timestamp) };
    expect(verifyWebhook(vector.secret, vector.body, headers, vector.timestamp + 10)).toBe(true);
    expect(verifyWebhook('another-secret-of-16+', vector.body, headers, vector.timestamp)).toBe(false);
    expect(verifyWebhook(vector.secret, '{"event":"resolved"}', headers, vector.timestamp)).toBe(false);
    expect(verifyWebhook(vector.secret, vector.body, { ...headers, timestamp: String(vector.timestamp + 1) }, vector.timestamp)).toBe(false);
    // A replay of a validly signed request, ten minutes later.
    expect(verifyWebhook(vector.secret, vector.body, headers, vector.timestamp + 600)).toBe(false);
    expect(verifyWebhook(vector.secret, vector.body, { signature: undefined, timestamp: String(vector.timestamp) }, vector.timestamp)).toBe(false);
  });
});

describe('generic webhook payload', () => {
  it('carries the event, the group, the alerts with links and the collector URL', () => {
    const body = JSON.parse(genericPayload({ ...batch, event: 'escalated', items: [{ alert, event: 'escalated', level: 3 }] }, ctx));
    expect(body).toMatchObject({
      version: 1, id: 'ntf_1', event: 'escalated', channel: 'NOC', collectorUrl: 'https://vigil.example.com/', sentAt: ctx.now,
      group: { tenantId: 'acme', ruleId: 'rul_disk' }, summary: '[P2] Escalated to L3: Root disk <almost> full on web-1',
    });
    expect(body.alerts).toEqual([{ ...alert, level: 3, url: 'https://vigil.example.com/api/v1/alerts/alr_1' }]);
  });
});

describe('Slack payload', () => {
  it('has a fallback text and blocks with priority, host, rule, value and SLA deadlines, escaped for mrkdwn', () => {
    const body = JSON.parse(slackPayload(batch, ctx));
    expect(body.text).toBe('[P2] Opened: Root disk &lt;almost&gt; full on web-1');
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[P2] Opened: Root disk <almost> full on web-1', emoji: false } });
    const section = body.blocks[1].text.text as string;
    expect(section).toContain('*<https://vigil.example.com/api/v1/alerts/alr_1|Root disk &lt;almost&gt; full>*');
    expect(section).toContain('*Priority:* P2');
    expect(section).toContain('*Host:* web-1');
    expect(section).toContain('*Value:* disk.used_pct{mount=/} = 93.46 (rule: &gt; 90)');
    expect(section).toContain('*Respond by:* 2025-01-02T03:34:05.000Z');
    expect(section).toContain('*Resolve by:* 2025-01-02T11:04:05.000Z');
    expect(body.blocks.at(-1).type).toBe('context');
  });

  it('shows ten alerts and counts the rest', () => {
    const many = Array.from({ length: 13 }, (_, i) => ({ alert: { ...alert, id: `alr_${i}` }, event: 'opened' as const }));
    const body = JSON.parse(slackPayload({ ...batch, items: many }, ctx));
    expect(body.text).toContain('(13 alerts, acme)');
    expect(body.blocks.filter((b: { type: string }) => b.type === 'section')).toHaveLength(11);
    expect(JSON.stringify(body.blocks)).toContain('…and 3 more alerts');
  });
});

describe('Teams payload', () => {
  it('is a message with one Adaptive Card: headline, facts, a link to the alert', () => {
    const body = JSON.parse(teamsPayload({ ...batch, event: 'breached', items: [{ alert, event: 'breached', clock: 'respond' }] }, ctx));
    expect(body.type).toBe('message');
    const card = body.attachments[0];
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.content.body[0].text).toBe('[P2] SLA breached (respond): Root disk <almost> full on web-1');
    expect(card.content.body[1].facts).toEqual(expect.arrayContaining([
      { title: 'Priority', value: 'P2' }, { title: 'Host', value: 'web-1' }, { title: 'Rule', value: 'Root disk <almost> full' },
      { title: 'Respond by', value: '2025-01-02T03:34:05.000Z' },
    ]));
    expect(card.content.actions[0]).toEqual({ type: 'Action.OpenUrl', title: 'Open alert', url: 'https://vigil.example.com/api/v1/alerts/alr_1' });
  });
});

describe('email payload', () => {
  it('has the headline as subject and every fact in the body', () => {
    const resolvedAlert = { ...alert, state: 'resolved' as const, resolvedAt: Date.UTC(2025, 0, 2, 4), resolvedBy: 'auto' };
    const mail = emailPayload({ ...batch, event: 'resolved', items: [{ alert: resolvedAlert, event: 'resolved' }] }, ctx);
    expect(mail.subject).toBe('[Vigil] [P2] Resolved: Root disk <almost> full on web-1');
    expect(mail.text).toContain('Host: web-1');
    expect(mail.text).toContain('Value: disk.used_pct{mount=/} = 93.46 (rule: > 90)');
    expect(mail.text).toContain('Resolve by: 2025-01-02T11:04:05.000Z');
    expect(mail.text).toContain('Resolved: 2025-01-02T04:00:00.000Z by auto');
    expect(mail.text).toContain('Link: https://vigil.example.com/api/v1/alerts/alr_1');
  });

  it('keeps header injection out of the subject', () => {
    const mail = emailPayload({ ...batch, items: [{ alert: { ...alert, hostname: 'web-1\r\nBcc: x@example.com' }, event: 'opened' }] }, ctx);
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });
});

describe('release headlines', () => {
  const released = (from?: 'maintenance' | 'suppression' | 'flapping'): DeliveryBatch => ({
    ...batch, event: 'released', items: [{ alert, event: 'released', ...(from ? { from } : {}) }],
  });

  it('say which hold ended, and read a release stored without its reason as one from maintenance', () => {
    const headline = (b: DeliveryBatch) => JSON.parse(slackPayload(b, ctx)).text as string;
    expect(headline(released('suppression'))).toContain('Still failing after the outage:');
    expect(headline(released('flapping'))).toContain('Stopped flapping, still failing:');
    expect(headline(released('maintenance'))).toContain('Still failing after maintenance:');
    expect(headline(released())).toContain('Still failing after maintenance:');
  });
});

describe('generic webhook release', () => {
  it('names the hold that ended on each released alert, so that a receiver need not parse the summary', () => {
    const body = JSON.parse(genericPayload({ ...batch, event: 'released', items: [{ alert, event: 'released', from: 'maintenance' }] }, ctx));
    expect(body).toMatchObject({ event: 'released', summary: expect.stringContaining('Still failing after maintenance:') });
    expect(body.alerts[0]).toMatchObject({ id: alert.id, from: 'maintenance' });
    // Other news carries no such field.
    expect(JSON.parse(genericPayload(batch, ctx)).alerts[0]).not.toHaveProperty('from');
  });
});
