/**
 * Notifications with real processes and real receivers on loopback: a real collector and a real
 * agent; rules that the agent's real telemetry breaches; a generic webhook whose HMAC signature
 * the receiver checks, for the open and for the resolve; a receiver that fails first and is
 * retried, with the attempts on the delivery record; a mail at a real SMTP server; Slack and
 * Teams messages in the shapes their incoming webhooks accept; and an endpoint that never answers,
 * which neither slows ingest nor keeps the alert from the other channels.
 */
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationDelivery } from '@vigil/shared';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookReceiver, verifyWebhookSignature as verify, type ReceivedHook as Received, type WebhookReceiver } from '../helpers/webhook-receiver.js';

interface Mail { from: string; to: string[]; user: string | null; text: string }
interface SmtpServerLike { listen(port: number, host: string, cb: () => void): void; close(cb: () => void): void; server: { address(): AddressInfo } }

/** A real SMTP server (smtp-server, a dependency of the collector's tests), plain and with optional login. */
async function startSmtp(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const requireFromCollector = createRequire(join(REPO_ROOT, 'collector', 'package.json'));
  const { SMTPServer } = requireFromCollector('smtp-server') as { SMTPServer: new (options: Record<string, unknown>) => SmtpServerLike };
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true, allowInsecureAuth: true, disabledCommands: ['STARTTLS'], logger: false,
    onAuth(auth: { username: string; password: string }, _session: unknown, cb: (err: Error | null, res?: { user: string }) => void) {
      if (auth.password === 'relay-password') cb(null, { user: auth.username });
      else cb(new Error('invalid credentials'));
    },
    onData(stream: NodeJS.ReadableStream, session: { user?: string; envelope: { mailFrom: { address: string }; rcptTo: Array<{ address: string }> } }, cb: () => void) {
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (text += chunk));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), user: session.user ?? null, text });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.server.address().port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Accepts connections and requests and never answers: the worst endpoint a channel can point at. */
async function startBlackHole(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer(() => { requests++; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('notifications from a real endpoint to real receivers', () => {
  const tmp = makeTempDir('e2e-notify');
  let collector: TestCollector;
  let agent: Child;
  let agentId: string;
  let hooks: WebhookReceiver;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let blackHole: Awaited<ReturnType<typeof startBlackHole>>;

  beforeAll(async () => {
    hooks = await startWebhookReceiver(['/flaky']);
    smtp = await startSmtp();
    blackHole = await startBlackHole();
    collector = await startTestCollector(`${tmp.path}/data`);
    const token = await collector.enrollToken('acme', 'hq', ['--tags', 'server', '--max-uses', '1']);
    agentId = await enrollAgent(collector.url, token, `${tmp.path}/agent`);
    agent = runAgent(`${tmp.path}/agent`, '1s');
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    await hooks?.close();
    await smtp?.close();
    await blackHole?.close();
    tmp.remove();
  });

  it('rejects a channel whose target does not fit its kind, naming the field', async () => {
    const bad = await collector.api('POST', '/api/v1/notification-channels', { name: 'x', kind: 'email', target: { url: 'http://127.0.0.1:1/' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_body');
    expect(bad.body.error.message).toMatch(/target\.(host|from|to|url)/);
    const badWait = await collector.api('POST', '/api/v1/notification-channels', { name: 'x', kind: 'slack', target: { url: 'http://127.0.0.1:1/' }, groupWait: 'soon' });
    expect(badWait.status).toBe(400);
    expect(badWait.body.error.message).toContain('groupWait');
  });

  it('sends a signed webhook when real telemetry opens an alert, and another when it resolves', async () => {
    const created = await collector.api('POST', '/api/v1/notification-channels', {
      name: 'NOC webhook', kind: 'webhook', target: { url: `${hooks.url}/noc` }, groupWait: '200ms', groupInterval: '500ms',
      filters: { scope: { tenant: 'acme' } },
    });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    // The key is shown once: never again, neither alone nor in the list.
    const shown = await collector.api('GET', `/api/v1/notification-channels/${created.body.id}`);
    expect(shown.body).toMatchObject({ kind: 'webhook', hasSecret: true, groupWait: '200ms', filters: { levels: [1], minPriority: 'P4' } });
    expect(JSON.stringify(shown.body)).not.toContain(secret);
    expect(JSON.stringify((await collector.api('GET', '/api/v1/notification-channels')).body)).not.toContain(secret);

    // Real memory usage of a running machine is always above zero: the rule must breach.
    const rule = await collector.api('POST', '/api/v1/rules', { name: 'Memory in use', metric: 'mem.used_pct', op: '>', threshold: 0, priority: 'P2', scope: { tenant: 'acme' } });
    expect(rule.status).toBe(201);

    const opened = await waitFor('the opened webhook', () => hooks.received.find((r) => r.path === '/noc' && r.body.event === 'opened' && r.body.alerts[0].ruleId === rule.body.id));
    expect(verify(secret, opened)).toBe(true);
    expect(verify('not-the-secret-at-all', opened)).toBe(false);
    expect(opened.body).toMatchObject({ version: 1, collectorUrl: collector.url, group: { tenantId: 'acme', ruleId: rule.body.id } });
    expect(opened.body.alerts).toHaveLength(1);
    const alert = opened.body.alerts[0];
    expect(alert).toMatchObject({ agentId, priority: 'P2', ruleName: 'Memory in use', metric: 'mem.used_pct', state: 'open', url: `${collector.url}/api/v1/alerts/${alert.id}` });
    expect(alert.value).toBeGreaterThan(0);

    // Nothing on this machine uses more than 100% memory: the next frame clears the alert.
    expect((await collector.api('PATCH', `/api/v1/rules/${rule.body.id}`, { threshold: 101 })).status).toBe(200);
    const resolved = await waitFor('the resolved webhook', () => hooks.received.find((r) => r.path === '/noc' && r.body.event === 'resolved' && r.body.alerts[0].id === alert.id));
    expect(verify(secret, resolved)).toBe(true);
    expect(resolved.body.alerts[0]).toMatchObject({ state: 'resolved', resolvedBy: 'auto' });

    // One open notification for the alert however many frames breached.
    expect(hooks.received.filter((r) => r.path === '/noc' && r.body.event === 'opened' && r.body.alerts.some((a: { id: string }) => a.id === alert.id))).toHaveLength(1);
    const sent = await collector.api('GET', `/api/v1/notification-deliveries?channel=${created.body.id}&status=sent`);
    expect(sent.status).toBe(200);
    expect((sent.body.deliveries as NotificationDelivery[]).filter((d) => d.alertIds.includes(alert.id)).map((d) => [d.event, d.attempts]).sort())
      .toEqual([['opened', 1], ['resolved', 1]]);
  });

  it('retries a receiver that answers 500 first, and records both attempts', async () => {
    const created = await collector.api('POST', '/api/v1/notification-channels', {
      name: 'Flaky', kind: 'webhook', target: { url: `${hooks.url}/flaky` }, secret: 'a-shared-secret-of-some-length', groupWait: '100ms',
      filters: { minPriority: 'P1', events: ['opened'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toBe('a-shared-secret-of-some-length');
    const rule = await collector.api('POST', '/api/v1/rules', { name: 'Load seen', metric: 'cpu.load1', op: '>=', threshold: 0, priority: 'P1' });
    expect(rule.status).toBe(201);

    const delivery = await waitFor('the flaky delivery sent', async () => {
      const { body } = await collector.api('GET', `/api/v1/notification-deliveries?channel=${created.body.id}`);
      return (body.deliveries as NotificationDelivery[]).find((d) => d.status === 'sent');
    });
    expect(delivery).toMatchObject({ event: 'opened', attempts: 2, lastError: 'HTTP 500', channelId: created.body.id });
    const requests = hooks.received.filter((r) => r.path === '/flaky');
    expect(requests).toHaveLength(2);
    // The same delivery both times, so a receiver can deduplicate; each attempt freshly signed.
    expect(requests.map((r) => r.body.id)).toEqual([delivery.id, delivery.id]);
    expect(requests.every((r) => verify('a-shared-secret-of-some-length', r))).toBe(true);
    expect(requests[0]!.body.alerts[0]).toMatchObject({ ruleId: rule.body.id, priority: 'P1' });
  });

  it('mails the alert through an SMTP relay, logging in with a password the API never shows', async () => {
    const created = await collector.api('POST', '/api/v1/notification-channels', {
      name: 'Manager mail', kind: 'email', groupWait: '100ms',
      target: { host: '127.0.0.1', port: smtp.port, secure: false, auth: { user: 'vigil', password: 'relay-password' }, from: 'vigil@example.com', to: ['noc@example.com', 'lead@example.com'] },
      filters: { minPriority: 'P3' },
    });
    expect(created.status).toBe(201);
    expect(created.body.target.auth).toEqual({ user: 'vigil' });
    expect(JSON.stringify((await collector.api('GET', `/api/v1/notification-channels/${created.body.id}`)).body)).not.toContain('relay-password');

    const rule = await collector.api('POST', '/api/v1/rules', { name: 'Root disk used', metric: 'disk.used_pct', labels: { mount: '/' }, op: '>=', threshold: 0, priority: 'P3' });
    expect(rule.status).toBe(201);
    const mail = await waitFor('the mail', () => smtp.mails.find((m) => m.text.includes('Root disk used')));
    expect(mail).toMatchObject({ from: 'vigil@example.com', to: ['noc@example.com', 'lead@example.com'], user: 'vigil' });
    expect(mail.text).toMatch(/^Subject: \[Vigil\] \[P3\] Opened: Root disk used on /m);
    expect(mail.text).toContain('Priority: P3');
    expect(mail.text).toContain(`Link: ${collector.url}/api/v1/alerts/alr_`);
    await waitFor('the mail delivery recorded as sent', async () => {
      const { body } = await collector.api('GET', `/api/v1/notification-deliveries?channel=${created.body.id}&status=sent`);
      return body.deliveries.length > 0;
    });
    // The P3 alert is below the flaky channel's P1 minimum: it never heard of it.
    expect(hooks.received.filter((r) => r.path === '/flaky' && r.body.alerts.some((a: { ruleId: string }) => a.ruleId === rule.body.id))).toHaveLength(0);
  });

  it('posts to Slack and Teams in the shapes their incoming webhooks accept', async () => {
    for (const [name, kind, path] of [['Slack NOC', 'slack', '/slack'], ['Teams NOC', 'teams', '/teams']] as const) {
      const created = await collector.api('POST', '/api/v1/notification-channels', { name, kind, target: { url: `${hooks.url}${path}` }, groupWait: '100ms' });
      expect(created.status).toBe(201);
    }
    const rule = await collector.api('POST', '/api/v1/rules', { name: 'Memory seen', metric: 'mem.used_pct', op: '>=', threshold: 0, priority: 'P2' });
    expect(rule.status).toBe(201);
    const about = (r: Received) => r.raw.includes('Memory seen');

    const slack = await waitFor('the Slack message', () => hooks.received.find((r) => r.path === '/slack' && about(r)));
    expect(slack.headers['content-type']).toMatch(/^application\/json/);
    // Slack: `text` is the fallback every client shows; `blocks` only block types Slack knows, text in the fields it reads.
    expect(slack.body.text).toMatch(/^\[P2\] Opened: Memory seen on /);
    const blocks = slack.body.blocks as Array<{ type: string; text?: { type: string; text: string }; elements?: Array<{ type: string; text: string }> }>;
    expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(blocks[0]!.text!.text.length).toBeLessThanOrEqual(150);
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const block of blocks) expect(['header', 'section', 'context']).toContain(block.type);
    const section = blocks.find((b) => b.type === 'section')!;
    expect(section.text).toMatchObject({ type: 'mrkdwn' });
    expect(section.text!.text).toMatch(new RegExp(`<${collector.url}/api/v1/alerts/alr_[^|>]+\\|Memory seen>`));
    expect(blocks.at(-1)).toMatchObject({ type: 'context', elements: [{ type: 'mrkdwn' }] });

    // Teams: a message with one Adaptive Card attachment; a card body of known elements; a link to the alert.
    const teams = await waitFor('the Teams message', () => hooks.received.find((r) => r.path === '/teams' && about(r)));
    expect(teams.body).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }] });
    expect(teams.body.attachments).toHaveLength(1);
    const card = teams.body.attachments[0].content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json' });
    for (const element of card.body as Array<{ type: string }>) expect(['TextBlock', 'FactSet']).toContain(element.type);
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: expect.stringMatching(/^\[P2\] Opened: Memory seen on /) });
    const facts = (card.body as Array<{ type: string; facts?: Array<{ title: string; value: string }> }>).find((e) => e.type === 'FactSet')!.facts!;
    expect(facts.every((f) => typeof f.title === 'string' && typeof f.value === 'string')).toBe(true);
    expect(facts.find((f) => f.title === 'Priority')?.value).toBe('P2');
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open alert', url: expect.stringMatching(new RegExp(`^${collector.url}/api/v1/alerts/alr_`)) }]);
    expect(Buffer.byteLength(teams.raw)).toBeLessThan(28_000);
  });

  it('keeps acknowledging frames while a channel points at an endpoint that never answers, and still tells the other channels', async () => {
    const dead = await collector.api('POST', '/api/v1/notification-channels', {
      name: 'Black hole', kind: 'webhook', target: { url: `${blackHole.url}/hook` }, groupWait: '0s', filters: { events: ['opened'] },
    });
    const alive = await collector.api('POST', '/api/v1/notification-channels', {
      name: 'Alive', kind: 'webhook', target: { url: `${hooks.url}/alive` }, groupWait: '0s', filters: { events: ['opened'] },
    });
    expect([dead.status, alive.status]).toEqual([201, 201]);
    const lastSeq = async (): Promise<number> => (await collector.api('GET', `/api/v1/agents/${agentId}`)).body.lastSeq as number;

    const rule = await collector.api('POST', '/api/v1/rules', { name: 'Free memory seen', metric: 'mem.available_bytes', op: '>', threshold: 0, priority: 'P2' });
    expect(rule.status).toBe(201);
    const heard = await waitFor('the alert on the live channel', () => hooks.received.find((r) => r.path === '/alive' && r.body.alerts.some((a: { ruleId: string }) => a.ruleId === rule.body.id)));
    expect(heard.body.event).toBe('opened');
    await waitFor('the black hole holding the same notification', () => blackHole.requests() >= 1);

    // The request hangs (until its timeout, then a retry hangs again): the agent's frames go on
    // being stored and acknowledged, one a second, every one of them.
    const from = await lastSeq();
    const seen: number[] = [from];
    await waitFor('five more frames acknowledged', async () => {
      const seq = await lastSeq();
      if (seq !== seen.at(-1)) seen.push(seq);
      return seq >= from + 5;
    });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    const { body } = await collector.api('GET', `/api/v1/notification-deliveries?channel=${dead.body.id}`);
    expect((body.deliveries as NotificationDelivery[]).some((d) => d.status === 'pending' && d.alertIds.length > 0)).toBe(true);
  });
});
