// The web console in a real browser: Debian's Chromium driven by playwright-core, against a real
// dev server (ThreadedHost, HTTP on loopback) running the example plugins echo-bot,
// profanity-filter and chat-overlay. Screenshots land in test-results/browser/.
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createContext } from '../../src/lib/context.js';
import { startDevServer, type DevServer } from '../../src/lib/devserver/server.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing: run scripts/setup.sh (it installs Debian's chromium)`;
if (SKIP) console.warn(`test/browser/console.test.ts skipped: ${SKIP}`);
const ROOT = join(import.meta.dirname, '..', '..');
const SHOTS = join(ROOT, 'test-results', 'browser');
const EXAMPLES = ['echo-bot', 'profanity-filter', 'chat-overlay'];
const WAIT = { timeout: 15_000 };

let cwd: string;
let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const requested: string[] = [];
const pageErrors: string[] = [];

const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `${name}.png`) });

/** Sends a chat line from the console's composer. */
async function say(body: string, user = 'ann', as: 'viewer' | 'moderator' | 'anonymous' = 'viewer'): Promise<void> {
  await page.fill('#chat-user', user);
  await page.selectOption('#chat-as', as);
  await page.fill('#chat-body', body);
  await page.click('#chat-form button[type=submit]');
}

const chatLine = (text: string) => page.locator('#chat-messages li', { hasText: text });
const pluginCard = (slug: string) => page.locator(`.plugin-card[data-slug="${slug}"]`);

async function showPanel(name: 'activity' | 'plugins' | 'storage'): Promise<void> {
  await page.click(`.dev-tabs [data-panel="${name}"]`);
}

describe.skipIf(SKIP !== null)(SKIP ? `browser tests skipped: ${SKIP}` : 'the web console in Chromium', () => {
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    cwd = await mkdtemp(join(tmpdir(), 'ocp-console-'));
    // copies, so the builds serve runs and the .owncast-dev state land in the temp dir
    for (const name of EXAMPLES) {
      await cp(join(ROOT, 'examples', name), join(cwd, name), { recursive: true, filter: (src) => !/[/\\](dist|node_modules|\.owncast-dev)$/.test(src) });
    }
    const sink = { write: () => true, isTTY: false };
    const ctx = createContext({ cwd, stdout: sink, stderr: sink, color: false, logLevel: 'warn' });
    server = await startDevServer(ctx, { paths: EXAMPLES, port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    context.on('request', (r) => void requested.push(r.url()));
    page = await context.newPage();
    page.on('pageerror', (e) => void pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    try {
      await context?.close();
      await browser?.close();
    } finally {
      await server?.close();
      if (cwd) await rm(cwd, { recursive: true, force: true });
    }
  });

  it('serves the page and its assets uncached, with their types', async () => {
    for (const [path, type] of [
      ['/', 'text/html; charset=utf-8'],
      ['/_console/js/main.js', 'text/javascript; charset=utf-8'],
      ['/_console/console.css', 'text/css; charset=utf-8'],
    ]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(type);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
    }
    for (const path of ['/_console/../package.json', '/_console/%2e%2e/package.json', '/_console/js/main.ts', '/nothing']) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
  });

  it('loads the viewer page and the live feed from the dev server alone', async () => {
    await page.goto(server.url);
    await page.locator('#feed-status[data-state="live"]').waitFor(WAIT);
    await page.locator('#tabs [data-tab="chat-overlay/stats"]').waitFor(WAIT);
    expect(await page.textContent('#stream-title')).toBe('Friday night speedruns');
    // the seeded chat log and the plugins' contributions
    await chatLine('hello everyone!').waitFor(WAIT);
    expect(await page.getAttribute('#actions a.action-button', 'href')).toBe('/plugins/chat-overlay/overlay.html');
    expect(requested.filter((url) => !url.startsWith(`${server.url}/`) && !url.startsWith('data:'))).toEqual([]);
  });

  it('sends a message the filter modifies and the bot answers, and shows its path through the plugins', async () => {
    await say('!echo well darn it');
    await chatLine('ann said: well **** it').waitFor(WAIT);
    expect(await chatLine('!echo well **** it').getAttribute('data-kind')).toBe('user');
    expect(await chatLine('ann said: well **** it').getAttribute('data-kind')).toBe('bot');
    expect(await page.locator('#chat-messages').textContent()).not.toContain('darn');
    await page.locator('#chat-result', { hasText: 'Sent (modified by a filter).' }).waitFor(WAIT);

    const entry = page.locator('#activity [data-type="message"]', { hasText: '!echo well **** it' });
    await entry.waitFor(WAIT);
    expect(await entry.locator('.verdict').textContent()).toBe('modified');
    const step = entry.locator('.step[data-slug="profanity-filter"]');
    expect(await step.getAttribute('data-action')).toBe('modify');
    expect(await step.locator('.why').textContent()).toBe('→ “!echo well **** it”');
    expect(await step.locator('.timing').textContent()).toMatch(/^priority 100 · [\d.]+ ms$/);
    expect(await entry.locator('.step-notify[data-slug="echo-bot"] .verb').textContent()).toBe('notified');
    await page.locator('#activity [data-type="chat"]', { hasText: 'Echo Bot says: ann said: well **** it' }).waitFor(WAIT);

    await say('HECK no', 'grace', 'moderator');
    const dropped = page.locator('#activity [data-type="message"]', { hasText: 'HECK no' });
    await dropped.waitFor(WAIT);
    expect(await dropped.locator('.verdict').textContent()).toBe('dropped');
    expect(await dropped.locator('.step-drop .why').textContent()).toBe('shouting a banned word');
    await page.locator('#chat-result', { hasText: 'Dropped: shouting a banned word' }).waitFor(WAIT);
    expect(await page.locator('#chat-messages').textContent()).not.toContain('HECK');
    await shot(page, 'console-chat-trace');
  });

  it('shows plugin text as text, never as markup', async () => {
    await say('<img src=x onerror="window.__pwned=1"> hi');
    await chatLine('<img src=x onerror="window.__pwned=1"> hi').waitFor(WAIT);
    expect(await page.locator('#chat-messages img, #activity img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it("paints chat-overlay's tab, kept current, with its injected stylesheet", async () => {
    await page.click('#tabs [data-tab="chat-overlay/stats"]');
    const tab = page.locator('#tab-panels [data-tab="chat-overlay/stats"]');
    await tab.locator('.chat-overlay-last', { hasText: 'onerror="window.__pwned=1"> hi' }).waitFor(WAIT);
    expect(await tab.locator('img').count()).toBe(0);
    // assets/viewer.css, injected from /api/config's customStyles
    expect(await tab.locator('.chat-overlay-count').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(124, 58, 237)');
    await shot(page, 'console-viewer-tab');
  });

  it('opens the overlay from its action button and sees it update over SSE', async () => {
    const [overlay] = await Promise.all([context.waitForEvent('page'), page.click('#actions a.action-button')]);
    try {
      await overlay.locator('.overlay[data-state="live"]').waitFor(WAIT);
      const { count } = (await (await fetch(`${server.url}/plugins/chat-overlay/stats`)).json()) as { count: number };
      await overlay.locator('#count', { hasText: new RegExp(`^${count}$`) }).waitFor(WAIT);
      await say('overlay, are you there?', 'bo');
      // the page fetched /stats once; from now on only the SSE stream can change it
      await overlay.locator('#count', { hasText: new RegExp(`^${count + 1}$`) }).waitFor(WAIT);
      expect(await overlay.textContent('#last-user')).toBe('bo');
      expect(await overlay.textContent('#last-body')).toBe('overlay, are you there?');
      await shot(overlay, 'overlay');
    } finally {
      await overlay.close();
    }
  });

  it("answers 401 for chat-overlay's admin page until the console logs in as admin, then opens it", async () => {
    await showPanel('plugins');
    const link = pluginCard('chat-overlay').locator('a.admin-link');
    expect(await link.getAttribute('href')).toBe('/plugins/chat-overlay/admin');
    expect(await page.textContent('#admin-status')).toBe('viewer');

    const statuses: number[] = [];
    const onResponse = (r: Response) => void (r.url().includes('/plugins/chat-overlay/admin') && statuses.push(r.status()));
    context.on('response', onResponse);
    const [denied] = await Promise.all([context.waitForEvent('page'), link.click()]);
    // Chromium meets the 401's Basic challenge; playwright cancels it, so the tab shows an error page
    await expect.poll(() => statuses, WAIT).toContain(401);
    expect(await denied.locator('h1').count()).toBe(0);
    await denied.close();

    await page.click('#admin-toggle');
    await page.locator('#admin-status', { hasText: 'admin' }).waitFor(WAIT);
    const [admin] = await Promise.all([context.waitForEvent('page'), link.click()]);
    try {
      await admin.locator('h1', { hasText: 'Chat overlay' }).waitFor(WAIT);
      await admin.locator('#chatters tr', { hasText: 'ann' }).waitFor(WAIT);
      expect(Number(await admin.textContent('#count'))).toBeGreaterThanOrEqual(3);
      await shot(admin, 'chat-overlay-admin');
      await admin.click('#reset');
      await admin.locator('#status', { hasText: 'Counters reset.' }).waitFor(WAIT);
      await admin.locator('#count', { hasText: /^0$/ }).waitFor(WAIT);
      expect(await admin.locator('#chatters tr').count()).toBe(0);
    } finally {
      context.off('response', onResponse);
      await admin.close();
    }
    await page.click('#admin-toggle');
    await page.locator('#admin-status', { hasText: 'viewer' }).waitFor(WAIT);
  });

  it("browses a plugin's KV and SQL tables", async () => {
    await say('one for the table', 'ada');
    await chatLine('one for the table').waitFor(WAIT);
    await showPanel('storage');
    await page.selectOption('#storage-plugin', 'chat-overlay');
    await page.click('#storage-refresh');
    const kv = page.locator('#storage-kv tr[data-key="stats"]');
    await kv.waitFor(WAIT);
    expect(JSON.parse((await kv.locator('pre').textContent())!)).toMatchObject({ count: 1, last: { user: 'ada', body: 'one for the table' } });
    await page.click('#storage-sql button.link:text("chatters")');
    const row = page.locator('#storage-sql .sql-rows tbody tr', { hasText: 'ada' });
    await row.waitFor(WAIT);
    expect(await row.locator('td').allTextContents()).toEqual(['u-ada', 'ada', '1']);
    await shot(page, 'console-storage');
  });

  it('disables and enables a plugin from the console', async () => {
    await showPanel('plugins');
    await pluginCard('echo-bot').locator('button[data-op="disable"]').click();
    await page.locator('.plugin-card[data-slug="echo-bot"][data-status="stopped"]').waitFor(WAIT);
    await showPanel('activity');
    await say('!echo anyone home?');
    const unanswered = page.locator('#activity [data-type="message"]', { hasText: '!echo anyone home?' });
    await unanswered.waitFor(WAIT);
    expect(await unanswered.locator('.step-notify').evaluateAll((els) => els.map((e) => e.getAttribute('data-slug')))).toEqual(['chat-overlay']);
    await page.locator('#activity [data-type="plugin"][data-slug="echo-bot"]', { hasText: 'disable' }).waitFor(WAIT);
    await shot(page, 'console-plugin-disabled');

    await showPanel('plugins');
    await pluginCard('echo-bot').locator('button[data-op="enable"]').click();
    await page.locator('.plugin-card[data-slug="echo-bot"][data-status="running"]').waitFor(WAIT);
    await say('!echo back again');
    await chatLine('ann said: back again').waitFor(WAIT);
    expect(await chatLine('anyone home?').count()).toBe(1); // the message, and no answer to it
    await shot(page, 'console-plugin-enabled');
  });

  it('threw nothing in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
