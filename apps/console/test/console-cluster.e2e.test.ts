// The console's Overview on a 3-member placement group in headless Chromium: the page is opened on a follower, the
// leader is stopped, and the page shows what happened — a new leader at a higher term, the stopped member no longer
// leading — without a reload; on the new leader's console the stopped member is marked down (a follower knows only
// the leader's liveness). Screenshots before and after go to test-results/console-cluster/.
import { join } from 'node:path';
import { testScope } from '@robustmq/testing';
import {
  artifactDir,
  buildConsoleOnce,
  launchBrowser,
  watchedPage,
  type Page,
} from '@robustmq/testing/browser';
import { startPlacementCluster, type TestPlacementCluster } from '@robustmq/testing/placement';
import { beforeAll, expect, it } from 'vitest';

const scope = testScope();
const shots = artifactDir('console-cluster');
let cluster: TestPlacementCluster;
let page: Page;

beforeAll(async () => {
  await buildConsoleOnce();
  cluster = scope.add(await startPlacementCluster(3));
  const browser = await launchBrowser(scope);
  page = (await watchedPage(await browser.newContext({ viewport: { width: 1280, height: 800 } }))).page;
  page.setDefaultTimeout(10_000);
}, 60_000);

const fact = (name: string) => page.locator('.facts div', { hasText: name }).locator('dd').textContent();
const memberRow = (id: number) =>
  page
    .getByRole('table', { name: 'Placement members' })
    .locator('tr', { has: page.locator('td[data-label="node"]', { hasText: new RegExp(`^${id}( |$)`) }) });
const roleOf = (id: number) => memberRow(id).locator('.role').textContent();
const statusOf = (id: number) => memberRow(id).locator('td[data-label="status"]').textContent();

it('shows a new leader and term when the leader is stopped', async () => {
  const leader = await cluster.leader();
  const watcher = cluster.members.find((m) => m.id !== leader)!;
  // no admin token here: the console opens straight on the Overview
  await page.goto(`http://127.0.0.1:${watcher.handle!.ports.http}/`);
  await expect.poll(() => fact('leader')).toBe(String(leader));
  await expect.poll(() => roleOf(leader)).toBe('leader');
  const termBefore = Number(await fact('term'));
  await page.screenshot({ path: join(shots, 'before.png'), fullPage: true });

  await cluster.stopMember(leader);
  const next = await cluster.leader();
  expect(next).not.toBe(leader);
  await expect.poll(() => fact('leader'), { timeout: 10_000 }).toBe(String(next));
  await expect.poll(() => roleOf(next)).toBe('leader');
  expect(await roleOf(leader)).not.toBe('leader');
  expect(Number(await fact('term'))).toBeGreaterThan(termBefore);
  await page.screenshot({ path: join(shots, 'after.png'), fullPage: true });

  // the leader hears from every member: its console marks the stopped one down and the others up
  await page.goto(`http://127.0.0.1:${cluster.member(next).handle!.ports.http}/`);
  await expect.poll(() => statusOf(leader), { timeout: 10_000 }).toBe('down');
  for (const m of cluster.members.filter((x) => x.id !== leader)) expect(await statusOf(m.id)).toBe('up');
  await page.screenshot({ path: join(shots, 'member-down.png'), fullPage: true });
});
