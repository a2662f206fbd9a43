/**
 * The console's Rules and Maintenance pages in a real headless Chromium against a real collector:
 * forms submit to the API, and each of the API's validation messages shows next to the input it
 * is about (the field named by `error.fields`), nothing being created until the form is right. A
 * tenant admin creates, edits and deletes a rule of their tenant but gets no controls for an
 * MSP-wide one; a viewer gets the list without any; a recurring window with a cron expression out
 * of range is refused at the cron field, then saved.
 */
import type { Page } from 'playwright-core';
import type { MaintenanceWindowView, Rule } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { ConsoleBrowser, createUsers, HAVE_CHROMIUM, logIn, screenshotPath, warnNoChromium } from '../helpers/browser.js';
import { makeTempDir } from '../helpers/temp-dir.js';

warnNoChromium('console-forms');

describe.skipIf(!HAVE_CHROMIUM)('the console\'s rule and maintenance forms in a real browser', () => {
  const tmp = makeTempDir('console-forms');
  let collector: TestCollector;
  let browser: ConsoleBrowser;
  const pageErrors: string[][] = [];

  async function openAs(username: string, section: 'Rules' | 'Maintenance'): Promise<Page> {
    const { page, errors } = await browser.open(collector.url);
    pageErrors.push(errors);
    await logIn(page, username);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }).click();
    return page;
  }

  const rules = async () => (await collector.api<{ rules: Rule[] }>('GET', '/api/v1/rules')).body.rules;
  const windows = async () => (await collector.api<{ windows: MaintenanceWindowView[] }>('GET', '/api/v1/maintenance-windows')).body.windows;
  /** An input of the open form, by the body path its field stands for. */
  const input = (page: Page, path: string) => page.locator(`.edit-panel [data-field="${path}"]`).locator('input, select').first();
  const fieldError = (page: Page, path: string) => page.locator(`.edit-panel [data-field="${path}"] .field-error`);

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    expect((await collector.api('POST', '/api/v1/tenants', { id: 'acme', name: 'Acme' })).status).toBe(201);
    await createUsers(collector, [['forms-admin', 'admin', ['acme']], ['forms-viewer', 'viewer', ['acme']]]);
    // Made by the owner (the bootstrap token): MSP-wide, so read-only for a tenant's admin.
    const global = await collector.api('POST', '/api/v1/rules', { name: 'MSP root disk full', metric: 'disk.used_pct', labels: { mount: '/' }, op: '>', threshold: 95, priority: 'P2' });
    expect(global.status, JSON.stringify(global.body)).toBe(201);
    const doomed = await collector.api('POST', '/api/v1/rules', { name: 'Acme load seen', metric: 'cpu.load1', op: '>', threshold: 50, scope: { tenant: 'acme' } });
    expect(doomed.status, JSON.stringify(doomed.body)).toBe(201);
    browser = await ConsoleBrowser.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
    tmp.remove();
  });

  it('shows the API\'s message next to the threshold, creates nothing, then saves, edits and deletes rules', async () => {
    const page = await openAs('forms-admin', 'Rules');
    const globalRow = page.locator('tr', { hasText: 'MSP root disk full' });
    await globalRow.waitFor();
    // MSP-wide: the owner's to change.
    expect(await globalRow.getByRole('button', { name: /Edit|Delete/ }).count()).toBe(0);

    await page.getByRole('button', { name: 'New rule' }).click();
    await input(page, 'name').fill('Acme CPU high');
    await input(page, 'metric').fill('cpu.usage_pct');
    await input(page, 'threshold').fill('ninety');
    await input(page, 'forSamples').fill('3');
    expect(await input(page, 'scope.tenant').inputValue()).toBe('acme');
    await page.getByRole('button', { name: 'Create rule' }).click();

    await expect.poll(() => fieldError(page, 'threshold').textContent()).toMatch(/expected number/);
    expect(await page.locator('.edit-panel .field-error').count()).toBe(1);
    expect(await page.locator('.edit-panel .form-error').count()).toBe(0);
    expect(await page.locator('.edit-panel [data-field="threshold"]').getAttribute('class')).toContain('field-invalid');
    expect((await rules()).map((r) => r.name)).not.toContain('Acme CPU high');
    await page.screenshot({ path: screenshotPath('rule-form-errors'), fullPage: true });

    await input(page, 'threshold').fill('90');
    await page.getByRole('button', { name: 'Create rule' }).click();
    const row = page.locator('tr', { hasText: 'Acme CPU high' });
    await row.waitFor();
    await page.getByRole('status').getByText('Created rule “Acme CPU high”.').waitFor();
    expect(await page.locator('.edit-panel').count()).toBe(0);
    expect(await row.textContent()).toContain('cpu.usage_pct > 90 for 3 samples');
    const created = (await rules()).find((r) => r.name === 'Acme CPU high');
    expect(created).toMatchObject({ metric: 'cpu.usage_pct', op: '>', threshold: 90, forSamples: 3, priority: 'P3', scope: { tenant: 'acme' }, enabled: true });
    await page.screenshot({ path: screenshotPath('rules'), fullPage: true });

    // Edit: the form opens with the rule's values; a PATCH saves the change.
    await row.getByRole('button', { name: 'Edit Acme CPU high' }).click();
    expect(await input(page, 'threshold').inputValue()).toBe('90');
    await input(page, 'threshold').fill('95');
    await input(page, 'priority').selectOption('P1');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await rules()).find((r) => r.id === created!.id)?.threshold).toBe(95);
    await expect.poll(() => row.textContent()).toContain('cpu.usage_pct > 95');
    expect(await row.locator('.pri').textContent()).toBe('P1');

    // The search box narrows the list and lives in the URL.
    await page.getByLabel('Search rules').fill('msp');
    await expect.poll(() => page.evaluate('location.search')).toBe('?q=msp');
    await expect.poll(() => row.count()).toBe(0);
    await globalRow.waitFor();
    await page.getByLabel('Search rules').fill('');

    // Delete asks first.
    const doomed = page.locator('tr', { hasText: 'Acme load seen' });
    await doomed.getByRole('button', { name: 'Delete rule “Acme load seen”' }).click();
    await doomed.getByRole('button', { name: 'Yes, delete' }).click();
    await expect.poll(() => doomed.count()).toBe(0);
    expect((await rules()).map((r) => r.name)).not.toContain('Acme load seen');
    expect(pageErrors.at(-1)).toEqual([]);
  });

  it('shows a viewer the rules read-only, with their detail', async () => {
    const page = await openAs('forms-viewer', 'Rules');
    const row = page.locator('tr', { hasText: 'Acme CPU high' });
    await row.waitFor();
    await page.locator('tr', { hasText: 'MSP root disk full' }).waitFor();
    expect(await page.getByRole('button', { name: 'New rule' }).count()).toBe(0);
    expect(await page.locator('.rules-table').getByRole('button', { name: /Edit|Delete/ }).count()).toBe(0);
    await row.getByRole('button', { name: 'Acme CPU high' }).click();
    await page.locator('.rule-detail').getByText('Metric threshold').waitFor();
    expect(pageErrors.at(-1)).toEqual([]);
  });

  it('shows the API\'s message next to the cron expression, creates nothing, then saves the window', async () => {
    const page = await openAs('forms-admin', 'Maintenance');
    await page.getByText('No maintenance windows.').waitFor();
    await page.getByRole('button', { name: 'New window' }).click();
    await input(page, 'name').fill('Sunday patching');
    await input(page, 'kind').selectOption('recurring');
    await input(page, 'schedule').selectOption('cron');
    await input(page, 'cron').fill('0 25 * * SUN');
    await input(page, 'durationMinutes').fill('120');
    await input(page, 'timezone').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Create window' }).click();

    await expect.poll(() => fieldError(page, 'cron').textContent()).toMatch(/25.*0-23/);
    expect(await page.locator('.edit-panel .field-error').count()).toBe(1);
    expect(await windows()).toEqual([]);
    await page.screenshot({ path: screenshotPath('maintenance-form-errors'), fullPage: true });

    // The weekly editor writes the same expression the API stores.
    await input(page, 'schedule').selectOption('weekly');
    await page.getByRole('checkbox', { name: 'Sun' }).check();
    await page.getByLabel('Start time').fill('02:00');
    await page.getByRole('button', { name: 'Create window' }).click();
    const row = page.locator('tr', { hasText: 'Sunday patching' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Sun at 02:00 for 2 h (Europe/Berlin)');
    // Upcoming, or active if the test runs on a Sunday night in Berlin.
    expect(await row.getAttribute('data-state')).not.toBe('over');
    expect(await windows()).toMatchObject([{ name: 'Sunday patching', kind: 'recurring', cron: '0 2 * * SUN', durationMinutes: 120, timezone: 'Europe/Berlin', scope: { tenant: 'acme' } }]);
    await page.screenshot({ path: screenshotPath('maintenance'), fullPage: true });
    expect(pageErrors.at(-1)).toEqual([]);
  });
});
