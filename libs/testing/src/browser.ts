// A real headless Chromium for the web console's tests, driven by playwright-core: the machine's own browser
// (Debian's `chromium`, or CHROMIUM_PATH), never a downloaded one. Each page records every request it makes and
// every script error, so a test can check that the console talks to its own origin only and never fails silently.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './processes.js';
import type { Scope } from './scope.js';

export type { Browser, BrowserContext, Page };

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** CHROMIUM_PATH, else the first browser installed where Debian and Ubuntu put one. */
export function chromiumPath(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH=${given}: no such file`);
    return given;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      `no Chromium found (looked for ${CANDIDATES.join(', ')}): apt-get install -y chromium, or set CHROMIUM_PATH`,
    );
  return found;
}

/** Launches headless Chromium, closed with `scope`. */
export async function launchBrowser(scope: Scope): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // root in a container has no user namespaces for the sandbox
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  scope.add(browser, (b) => b.close(), 'Chromium');
  return browser;
}

export interface WatchedPage {
  page: Page;
  /** every URL the page requested. */
  requests: string[];
  /** uncaught script errors and console.error lines. */
  errors: string[];
}

/** A page whose requests and errors are recorded; confirm() dialogs are accepted (a test clicks on purpose). */
export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const watched: WatchedPage = { page, requests: [], errors: [] };
  page.on('request', (r) => watched.requests.push(r.url()));
  page.on('pageerror', (err) => watched.errors.push(String(err)));
  page.on('console', (m) => {
    // a refused API call is logged by the browser as a failed resource; the console shows those itself
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) watched.errors.push(m.text());
  });
  page.on('dialog', (d) => void d.accept());
  return watched;
}

/** Where screenshots and other artifacts of a test go: test-results/<name>/ at the repository root. */
export function artifactDir(name: string): string {
  const dir = join(ROOT, 'test-results', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const CONSOLE = join(ROOT, 'apps/console');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const consoleLock = join(tmpdir(), 'robustmq-console-build.lock');

/** Builds the web console (apps/console/dist, `vite build`) unless it is newer than every source file; one test file
 * at a time builds (a lock dir), so two browser test files starting together do not write dist/ at once. */
export async function buildConsoleOnce(): Promise<void> {
  const built = join(CONSOLE, 'dist/index.html');
  const fresh = () => {
    const sources = Math.max(
      newestMtime(join(CONSOLE, 'src')),
      statSync(join(CONSOLE, 'index.html')).mtimeMs,
    );
    return existsSync(built) && statSync(built).mtimeMs >= sources;
  };
  if (fresh()) return;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(consoleLock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw err;
      // a lock left by a run that was killed mid-build
      if (Date.now() - (statSync(consoleLock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 60_000)
        rmSync(consoleLock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    if (!fresh())
      await promisify(execFile)(join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], {
        cwd: CONSOLE,
      });
  } finally {
    rmSync(consoleLock, { recursive: true, force: true });
  }
}
