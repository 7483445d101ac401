// The web console in a real headless Chromium against a real `robustmq start` (placement center, journal server and
// MQTT broker in one process, an admin token set for all three): the token login, every page, and the operator's
// jobs done through the console and checked with real MQTT clients — a user created in the console logs in over
// MQTT, an ACL rule added in the console refuses a publish, a topic-rewrite rule is applied, a client is kicked, a
// retained message is shown and deleted — with bad input answered next to the field, no script error, and no request
// to any origin but the console's own. Screenshots go to test-results/console/.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  ROOT,
  buildOnce,
  collect,
  connackCode,
  connectClient,
  freePorts,
  runNode,
  tempDir,
  testScope,
  waitFor,
  writeToml,
  type Proc,
} from '@robustmq/testing';
import {
  artifactDir,
  buildConsoleOnce,
  launchBrowser,
  watchedPage,
  type Page,
  type WatchedPage,
} from '@robustmq/testing/browser';
import { beforeAll, describe, expect, it } from 'vitest';

const TOKEN = 'console-e2e-token';
const READ_TOKEN = 'console-e2e-read-token';
const scope = testScope();
const shots = artifactDir('console');
let proc: Proc;
let base: string;
let mqttUrl: string;
let w: WatchedPage;
let page: Page;
const timings: Record<string, number> = {};

const authed = (path: string, init: RequestInit = {}) =>
  fetch(base + path, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) } });

beforeAll(async () => {
  await Promise.all([buildOnce(), buildConsoleOnce()]);
  const dir = tempDir('console', scope);
  const [pcGrpc, pcHttp, jsHttp, mqtt, brokerHttp] = await freePorts(5);
  writeToml(join(dir, 'placement-center.toml'), {
    network: { host: '127.0.0.1', grpc_port: pcGrpc!, http_port: pcHttp! },
  });
  writeToml(join(dir, 'journal-server.toml'), {
    network: { host: '127.0.0.1', http_port: jsHttp!, data_port: 0, grpc_port: 0 },
  });
  writeToml(join(dir, 'mqtt-broker.toml'), {
    network: { host: '127.0.0.1', tcp_port: mqtt!, http_port: brokerHttp!, ws_port: 0, grpc_port: 0 },
    // rules and ACLs changed in the console reach the broker within a fraction of a second
    auth: { refresh_interval_ms: 200 },
    mqtt: { sys_interval_s: 0 },
  });
  proc = runNode(
    'apps/cli/dist/robustmq.js',
    ['start', '--config-dir', dir, '--data-dir', join(dir, 'data')],
    {
      env: {
        ROBUSTMQ_HTTP_ADMIN_TOKENS: TOKEN,
        ROBUSTMQ_HTTP_ADMIN_READ_TOKENS: READ_TOKEN,
        ROBUSTMQ_LOG_LEVEL: 'warn',
      },
      scope,
    },
  );
  base = `http://127.0.0.1:${pcHttp}`;
  mqttUrl = `mqtt://127.0.0.1:${mqtt}`;
  await waitFor(
    'the broker and the journal server to register',
    async () => {
      const nodes = (
        (await (await authed('/api/v1/cluster/nodes')).json()) as { nodes: { clusterType: string }[] }
      ).nodes;
      return (
        nodes.some((n) => n.clusterType === 'MQTT_BROKER') &&
        nodes.some((n) => n.clusterType === 'JOURNAL_SERVER')
      );
    },
    { timeoutMs: 30_000, detail: () => proc.output() },
  );
  const browser = await launchBrowser(scope);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  w = await watchedPage(context);
  page = w.page;
  page.setDefaultTimeout(10_000);
}, 120_000);

async function go(hash: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: heading }).click();
  await page.waitForURL(`**/#/${hash}`);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(heading);
}

/** The field labelled `label` in `form` carries the API's message: marked invalid, its message linked to it. */
async function fieldError(formName: string, label: string): Promise<string> {
  const input = page.getByRole('form', { name: formName }).getByLabel(label, { exact: true });
  await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
  const ids = (await input.getAttribute('aria-describedby'))!.split(' ');
  const errorId = ids.find((id) => id.endsWith('-err'))!;
  return (await page.locator(`#${errorId}`).textContent()) ?? '';
}

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

describe('web console', () => {
  it('serves the console without a token, asks for the token, refuses a wrong one and logs in', async () => {
    // the static files are public; every API call needs the token
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect((await fetch(`${base}/api/v1/console/clients`)).status).toBe(401);
    const started = Date.now();
    await page.goto(`${base}/`);
    const token = page.getByLabel('Admin token');
    await token.waitFor();
    timings.loginInteractiveMs = Date.now() - started;
    const nav = await page.evaluate(() => {
      const t = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { domInteractive: t.domInteractive, load: t.loadEventEnd };
    });
    timings.domInteractiveMs = Math.round(nav.domInteractive);
    timings.loadEventMs = Math.round(nav.load);
    await shot('login');
    await token.fill('not-the-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/not valid/);
    await token.fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
  });

  it('overview: placement members, the broker and the journal server, live charts', async () => {
    const publisher = await connectClient(mqttUrl, { clientId: 'overview-pub' }, scope);
    const members = page.getByRole('table', { name: 'Placement members' });
    await expect.poll(() => members.textContent()).toMatch(/leader/);
    const brokers = page.getByRole('table', { name: 'MQTT brokers' });
    await expect.poll(() => brokers.textContent()).toContain(mqttUrl.replace('mqtt://', ''));
    await expect.poll(() => brokers.textContent()).toMatch(/0\.1\.0/);
    await expect
      .poll(() => page.getByRole('table', { name: 'Journal servers' }).textContent())
      .toMatch(/127\.0\.0\.1:\d+/);
    // three charts, filled from the services' counters every 2 s: with messages flowing, the rate charted at the
    // latest point (read from the chart's legend under the cursor) is above zero
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(3);
    let flowing = true;
    const load = (async () => {
      for (let i = 0; flowing; i++) await publisher.publishAsync('overview/load', `m${i}`, { qos: 1 });
    })();
    const chart = page.locator('.chart', { hasText: 'Messages per second' });
    await expect
      .poll(
        async () => {
          const box = (await chart.locator('.u-over').boundingBox())!;
          await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
          return Number(
            (await chart.locator('.u-legend .u-series').nth(1).locator('.u-value').textContent())?.replace(
              /,/g,
              '',
            ),
          );
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBeGreaterThan(0);
    flowing = false;
    await load;
    await shot('overview');
  });

  it('security: a user created in the console logs in over MQTT; bad input is shown at its field', async () => {
    await go('security', 'Security');
    await page
      .getByRole('form', { name: 'Create a user' })
      .getByRole('button', { name: 'Create user' })
      .click();
    expect(await fieldError('Create a user', 'Username')).toMatch(/username/);
    const form = page.getByRole('form', { name: 'Create a user' });
    await form.getByLabel('Username').fill('alice');
    await form.getByLabel('Password').fill('s3cret-pw');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'MQTT users' }).textContent()).toContain('alice');
    expect(await connackCode(mqttUrl, { username: 'alice', password: 's3cret-pw', protocolVersion: 5 })).toBe(
      0,
    );
    expect(await connackCode(mqttUrl, { username: 'alice', password: 'wrong', protocolVersion: 5 })).not.toBe(
      0,
    );
  });

  it('security: an ACL rule added in the console refuses the publish', async () => {
    const acl = page.getByRole('form', { name: 'Add an ACL rule' });
    await acl.getByLabel('Subject type').selectOption('SUBJECT_IP');
    await acl.getByLabel('Subject value').fill('not-an-address');
    await acl.getByLabel('Topic filter').fill('secret/#');
    await acl.getByRole('button', { name: 'Add rule' }).click();
    expect(await fieldError('Add an ACL rule', 'Subject value')).toMatch(/CIDR|address/i);
    await acl.getByLabel('Subject type').selectOption('SUBJECT_USER');
    await acl.getByLabel('Subject value').fill('alice');
    await acl.getByRole('button', { name: 'Add rule' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'ACL rules in evaluation order' }).textContent())
      .toContain('secret/#');
    await shot('security');
    const alice = await connectClient(
      mqttUrl,
      { username: 'alice', password: 's3cret-pw', protocolVersion: 5 },
      scope,
    );
    // the broker re-reads ACL rules every 200 ms
    await waitFor('the publish to be refused', () =>
      alice.publishAsync('secret/plans', 'x', { qos: 1 }).then(
        () => false,
        (err: { code?: number }) => err.code === 0x87,
      ),
    );
    await expect(alice.publishAsync('open/plans', 'x', { qos: 1 })).resolves.toBeDefined();
  });

  it('security: the blacklist and password forms show the API messages too', async () => {
    const blacklist = page.getByRole('form', { name: 'Add a blacklist entry' });
    await blacklist.getByLabel('Type').selectOption('BLACKLIST_CIDR');
    await blacklist.getByLabel('Value').fill('10.0.0.0/99');
    await blacklist.getByRole('button', { name: 'Add entry' }).click();
    expect(await fieldError('Add a blacklist entry', 'Value')).toMatch(/CIDR|prefix|block/i);
    await blacklist.getByLabel('Value').fill('10.0.0.0/8');
    await blacklist.getByLabel('Reason').fill('lab network');
    await blacklist.getByRole('button', { name: 'Add entry' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Blacklist entries' }).textContent())
      .toContain('lab network');
    const change = page.getByRole('form', { name: 'Change a password' });
    await change.getByLabel('Username').fill('nobody-here');
    await change.getByLabel('New password').fill('x');
    await change.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => change.getByRole('alert').first().textContent()).toMatch(/nobody-here/);
    // each table's Delete button asks (accepted here) and removes its row: the blacklist entry, the ACL rule
    await page.getByRole('button', { name: 'delete blacklist entry 10.0.0.0/8' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Blacklist entries' }).textContent())
      .not.toContain('lab network');
    await page.getByRole('button', { name: /^delete ACL rule / }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'ACL rules in evaluation order' }).textContent())
      .not.toContain('secret/#');
    const left = async (path: string) => (await (await authed(path)).json()) as Record<string, unknown[]>;
    expect((await left('/api/v1/mqtt/blacklist')).entries).toEqual([]);
    expect((await left('/api/v1/mqtt/acl')).rules).toEqual([]);
  });

  it('rules: a topic-rewrite rule added in the console is applied by the broker', async () => {
    await go('rules', 'Rules');
    const form = page.getByRole('form', { name: 'Add or replace a topic-rewrite rule' });
    await form.getByLabel('Id').fill('legacy');
    await form.getByLabel('Source topic filter').fill('old/#');
    await form.getByLabel('Regular expression').fill('^old/(.+');
    await form.getByLabel('Destination topic').fill('new/$1');
    await form.getByRole('button', { name: 'Save rule' }).click();
    expect(await fieldError('Add or replace a topic-rewrite rule', 'Regular expression')).toMatch(
      /regex|regular expression/i,
    );
    await form.getByLabel('Regular expression').fill('^old/(.+)$');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Topic-rewrite rules' }).textContent())
      .toContain('new/$1');
    const auto = page.getByRole('form', { name: 'Add or replace an auto-subscribe rule' });
    await auto.getByLabel('Id').fill('alerts');
    await auto.getByLabel('Topic filter').fill('alerts/#/bad');
    await auto.getByRole('button', { name: 'Save rule' }).click();
    expect(await fieldError('Add or replace an auto-subscribe rule', 'Topic filter')).toMatch(/#|filter/i);
    await auto.getByLabel('Topic filter').fill('alerts/#');
    await auto.getByRole('button', { name: 'Save rule' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Auto-subscribe rules' }).textContent())
      .toContain('alerts/#');
    await shot('rules');
    const sub = await connectClient(mqttUrl, { clientId: 'rewrite-sub' }, scope);
    const got = collect(sub);
    await sub.subscribeAsync('new/#', { qos: 1 });
    const pub = await connectClient(mqttUrl, { clientId: 'rewrite-pub' }, scope);
    await waitFor('a message to old/… to arrive on new/…', async () => {
      await pub.publishAsync('old/sensor', 'v', { qos: 1 });
      await new Promise((r) => setTimeout(r, 100));
      return got.messages.find((m) => m.topic === 'new/sensor');
    });
  });

  it('clients: finds a connected MQTT.js client, shows its details and kicks it', async () => {
    const victim = await connectClient(
      mqttUrl,
      { clientId: 'victim-1', protocolVersion: 5, keepalive: 42 },
      scope,
    );
    await victim.subscribeAsync('victim/inbox', { qos: 1 });
    const closed = new Promise<void>((resolve) => victim.once('close', () => resolve()));
    await go('clients', 'Clients & sessions');
    await page.getByLabel('Search clients (id or address)').fill('victim');
    await page.getByRole('button', { name: 'details of victim-1' }).click();
    const details = page.getByRole('region', { name: 'Client victim-1' });
    await expect.poll(() => details.textContent()).toContain('42 s');
    await expect.poll(() => details.textContent()).toContain('victim/inbox');
    await expect.poll(() => details.textContent()).toContain('MQTT 5.0');
    await shot('clients');
    await page.getByRole('button', { name: 'kick victim-1', exact: true }).click();
    await closed;
    await expect.poll(() => page.getByRole('status').textContent()).toContain('victim-1 disconnected');
  });

  it('topics: shows a retained message and deletes it', async () => {
    const pub = await connectClient(mqttUrl, { clientId: 'retain-pub' }, scope);
    await pub.publishAsync('r/console', 'kept for later', { qos: 1, retain: true });
    await go('topics', 'Topics & subscriptions');
    await page.getByLabel('Search retained messages (topic)').fill('r/console');
    await page.getByRole('button', { name: 'view retained message on r/console' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Retained message on r/console' }).textContent())
      .toContain('kept for later');
    // the topic's levels walk the topic tree: "r/" narrows the list to the topics under it
    await page.getByRole('button', { name: 'topics under r/' }).first().click();
    await expect.poll(() => page.getByLabel('Search topics').inputValue()).toBe('r/');
    await expect.poll(() => page.getByRole('table', { name: 'Topics' }).textContent()).toContain('r/console');
    await expect
      .poll(() => page.getByRole('table', { name: 'Topics' }).textContent())
      .not.toContain('overview/load');
    await shot('topics');
    await page.getByRole('button', { name: 'delete retained message on r/console' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('deleted');
    await expect
      .poll(() => page.getByRole('table', { name: 'Retained messages' }).textContent())
      .not.toContain('r/console');
    const left = (await (await authed('/api/v1/console/retained?search=r/console')).json()) as {
      rows: unknown[];
    };
    expect(left.rows).toEqual([]);
  });

  it('storage and KV: shards with their segments; a key put in the console is listed with its revisions', async () => {
    await go('storage', 'Storage');
    const shard = page.getByRole('button', { name: /^segments of mqtt-cluster\// }).first();
    await shard.click();
    const segments = page.getByRole('table', { name: 'Segments' });
    await expect.poll(() => segments.textContent()).toMatch(/write/);
    await expect.poll(() => segments.textContent(), { timeout: 12_000 }).toMatch(/node 1 \(leader\)/);
    await shot('storage');
    await go('kv', 'KV browser');
    const form = page.getByRole('form', { name: 'Put a key' });
    await form.getByLabel('Key').fill('console/e2e');
    await form.getByLabel('Value (UTF-8)').fill('hello');
    await form.getByRole('button', { name: 'Put' }).click();
    await page.getByLabel('Key prefix').fill('console/');
    await expect.poll(() => page.getByRole('table', { name: 'Keys' }).textContent()).toContain('console/e2e');
    await shot('kv');
  });

  it('reads on a phone-sized screen: the menu folds into the top bar', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await nav.getByRole('link', { name: 'Overview' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
    await expect
      .poll(() => page.getByRole('table', { name: 'MQTT brokers' }).textContent())
      .toMatch(/0\.1\.0/);
    await shot('overview-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('logs out back to the token form', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Admin token').waitFor();
    await page.reload();
    await page.getByLabel('Admin token').waitFor();
  });

  it('with a read-only token: every page reads, a write gets the API refusal; the keyboard reaches every page', async () => {
    await page.getByLabel('Admin token').fill(READ_TOKEN);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
    // Tab from the top of the page to the menu, Enter to follow a link
    await page.locator('body').focus();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Security') break;
    }
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Security');
    await expect.poll(() => page.getByRole('table', { name: 'MQTT users' }).textContent()).toContain('alice');
    const form = page.getByRole('form', { name: 'Create a user' });
    await form.getByLabel('Username').fill('bob');
    await form.getByLabel('Password').fill('pw');
    await form.getByLabel('Password').press('Enter');
    await expect
      .poll(() => form.getByRole('alert').textContent())
      .toMatch(/read-only admin token may not POST/);
    expect((await (await authed('/api/v1/mqtt/users/bob')).json()) as object).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('made no request to another origin, hit no script error, and is small', async () => {
    const foreign = w.requests.filter((url) => !url.startsWith(`${base}/`));
    expect(foreign).toEqual([]);
    expect(w.errors).toEqual([]);
    const assets = join(ROOT, 'apps/console/dist/assets');
    const gzipped = readdirSync(assets).reduce(
      (sum, f) => sum + gzipSync(readFileSync(join(assets, f))).length,
      0,
    );
    expect(gzipped).toBeLessThan(300 * 1024);
    timings.bundleGzipBytes = gzipped;
    writeFileSync(join(shots, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
  });
});
