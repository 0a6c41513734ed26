// The page against a booted guest (started by test/web/test_web_e2e.py): what a person sees
// after each step, read from the DOM, with a screenshot of each.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.TRACEGATE_URL;
const shots = process.env.TRACEGATE_SCREENSHOTS ?? 'web-screenshots';
const kWait = 60_000;  // a bound on waiting for a state, never a measurement
const kStep = { timeout: 240_000 };  // a stuck test reports where it stood
assert.ok(base, 'TRACEGATE_URL names the gateway');
mkdirSync(shots, { recursive: true });

let profile;
let context;
let page;

before(async () => {
  profile = mkdtempSync(join(tmpdir(), 'tracegate-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.TRACEGATE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(kWait);
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(base + '/');
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const shoot = (name) => page.screenshot({ path: join(shots, name + '.png') });
const tab = (name) => page.getByRole('tab', { name, exact: true }).click();
const api = (method, path, body) => fetch(base + path, { method, body });
// Waits for a state (the guest lets trace_pipe go a moment after the stream closes).
async function until(predicate) {
  for (const end = Date.now() + kWait; Date.now() < end;) {
    if (await predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

test('the page shows the guest up and the tracing tree', kStep, async () => {
  await page.getByTestId('guest-status').filter({ hasText: 'guest up' }).waitFor();
  const browser = page.getByTestId('browser');
  await browser.getByRole('button', { name: 'current_tracer', exact: true }).waitFor();
  await browser.getByRole('button', { name: 'available_tracers', exact: true }).click();
  await page.getByTestId('file-view').getByText('function_graph').waitFor();
  assert.match(await page.locator('.file-text').textContent(), /function_graph/);
});

test('a refused write shows the gateway\'s error text', kStep, async () => {
  const before = (await (await api('GET', '/tracing/current_tracer')).text()).trim();
  await page.getByTestId('browser').getByRole('button', { name: 'current_tracer', exact: true }).click();
  await page.getByLabel('text to write').fill('bogus');
  await page.getByTestId('file-view').getByRole('button', { name: 'write', exact: true }).click();
  const refusal = page.getByTestId('file-view').getByTestId('refusal');
  await refusal.waitFor();
  assert.equal(await refusal.textContent(), '400 EINVAL: Invalid argument');
  assert.match(await page.getByTestId('error-bar').textContent(),
               /PUT \/tracing\/current_tracer: 400 EINVAL: Invalid argument/);
  await shoot('refused-write');
  assert.equal((await (await api('GET', '/tracing/current_tracer')).text()).trim(), before);
  await page.getByTestId('error-bar').getByRole('button', { name: 'dismiss' }).click();
});

test('function_graph and a workload run give the call tree, the breakdown and the flame graph', kStep, async () => {
  // Room for the run and for the guest's own serving of the page's requests (locks
  // included) until tracing stops, so the run's first calls are not overwritten.
  const size = (await (await api('GET', '/tracing/buffer_size_kb')).text()).trim();
  assert.equal((await api('PUT', '/tracing/buffer_size_kb', '8192')).status, 204);
  await tab('Controls');
  await page.locator('#tracer').selectOption('function_graph');
  await page.locator('#tracer[data-current="function_graph"]').waitFor();
  assert.equal((await (await api('GET', '/tracing/current_tracer')).text()).trim(), 'function_graph');
  await page.getByRole('button', { name: 'clear the buffer' }).click();

  await tab('Workloads');
  await page.getByLabel('workload').selectOption('alloc');
  await page.getByLabel('arguments').fill('20');
  await page.getByRole('button', { name: 'run', exact: true }).click();
  const last = page.getByTestId('workload-last');
  await last.locator('tr', { hasText: 'name' }).filter({ hasText: 'alloc' }).waitFor();
  await last.locator('tr', { hasText: 'status' }).filter({ hasText: 'ok' }).waitFor();
  await shoot('workload');

  // Stopped, the buffer holds still while it is read (and the guest does not trace its own
  // serving of the read).
  await tab('Controls');
  await page.locator('#tracing-on').uncheck();
  await page.locator('label.switch', { hasText: /^off$/ }).waitFor();
  await tab('Analysis');
  await page.getByRole('button', { name: 'analyse trace' }).click();
  const summary = page.getByTestId('analysis-summary');
  await summary.waitFor();
  assert.match(await summary.textContent(), /tracer function_graph · \d+ lines · [1-9]\d* calls/);
  // The run's calls nest as function_graph printed them: expand them level by level.
  const tree = page.getByTestId('call-tree');
  await tree.locator('> li.task').first().waitFor();
  const wholeTasks = await tree.locator('> li.task > .muted').allTextContents();
  const call = (scope, name) =>
    scope.locator('li.call', { has: page.locator('> .fn', { hasText: new RegExp(`^${name}$`) }) }).first();
  let scope = tree;
  for (const name of ['workload_run_command', 'workload_run', 'workload_alloc']) {
    const node = call(scope, name);
    if (scope === tree) await node.scrollIntoViewIfNeeded();
    await node.waitFor();
    assert.match(await node.locator('> .dur').textContent(), /^\d+\.\d{3} us$/);
    await node.locator('> .twisty').click();
    scope = node.locator('> ul');
  }
  const children = scope.locator('> li.call > .fn');
  await children.first().waitFor();
  await call(tree, 'workload_run_command').evaluate((node) => node.scrollIntoView({ block: 'start' }));
  assert.ok((await children.allTextContents()).some((name) => /^kmalloc|^kfree/.test(name)),
            'workload_alloc calls the allocator');
  await shoot('call-tree');

  await page.getByRole('button', { name: 'Breakdown', exact: true }).click();
  const breakdown = page.getByTestId('breakdown');
  await breakdown.locator('.bar-row').first().waitFor();
  const top = (await breakdown.locator('.function-toggles label').first().textContent()).split(' ')[0];
  assert.ok(await breakdown.locator('.bar-name', { hasText: new RegExp(`^${top}$`) }).count() > 0);
  await shoot('breakdown');
  await breakdown.locator('.function-toggles label').first().locator('input').uncheck();
  assert.equal(await breakdown.locator('.bar-name', { hasText: new RegExp(`^${top}$`) }).count(), 0,
               `${top} unticked leaves every task's bars`);
  await breakdown.getByRole('button', { name: 'show all' }).click();
  assert.ok(await breakdown.locator('.bar-name', { hasText: new RegExp(`^${top}$`) }).count() > 0);

  await page.getByRole('button', { name: 'Flame graph', exact: true }).click();
  const flame = page.getByTestId('flame');
  await flame.locator('.frame', { hasText: /^all$/ }).waitFor();
  // Zoomed into the task that ran the workload, its calls fill the width. More than one task
  // may be named workloads (one per run): try each task frame (one row above "all").
  const tasks = flame.locator('.frame[style*="bottom: 18px"]', { hasText: /^workloa/ });
  const count = await tasks.count();
  assert.ok(count > 0, 'a workloads task in the flame graph');
  let zoomed = false;
  for (let i = 0; i < count && !zoomed; ++i) {
    const task = tasks.nth(i);
    const name = await task.textContent();
    await task.click();
    const runCommand = flame.locator('.frame', { hasText: /^workload_run_command$/ }).first();
    zoomed = await runCommand.waitFor({ timeout: 5000 }).then(() => true, () => false);
    if (zoomed) {
      const focused = flame.locator('.frame', { hasText: new RegExp(`^${name}$`) }).first();
      assert.match(await focused.getAttribute('style'), /width: 100%/);
    } else {
      await flame.locator('.frame', { hasText: new RegExp(`^${name}$`) }).first().click();  // out
      await flame.locator('.frame', { hasText: /^all$/ }).waitFor();
    }
  }
  assert.ok(zoomed, 'one workloads task holds workload_run_command');
  await shoot('flame-graph');

  // A tree cut by the gateway's budget (max_calls, here 40) says what it left out: a task
  // counts all its outer calls and lists those it got, and the rest is named as not sent.
  const cutAt = (url) => url + (url.includes('?') ? '&' : '?') + 'max_calls=40';
  await page.route('**/analysis/trace*', (route) => route.continue({ url: cutAt(route.request().url()) }));
  await page.getByRole('button', { name: 'Call tree', exact: true }).click();
  await page.getByRole('button', { name: 'analyse trace' }).click();
  await summary.filter({ hasText: 'call tree cut at 40 calls' }).waitFor();
  const notSent = page.locator('> ul > li.muted', { hasText: /^\d+ more calls? not sent \(max_calls\)$/ });
  const task = tree.locator('> li.task').filter({ has: notSent }).first();
  await task.waitFor();
  const outer = Number((await task.locator('> .muted').textContent()).split(' ')[0]);
  const listed = await task.locator('> ul > li.call').count();
  const left = Number((await task.locator('> ul > li.muted').textContent()).split(' ')[0]);
  assert.ok(listed > 0 && left > 0, `${listed} calls listed, ${left} not sent`);
  assert.equal(listed + left, outer, 'the outer calls counted are those listed and those not sent');
  // Cut or not, every task counts all its outer calls and their whole time.
  assert.deepEqual(await tree.locator('> li.task > .muted').allTextContents(), wholeTasks);
  await shoot('call-tree-cut');
  await page.unroute('**/analysis/trace*');
  assert.equal((await api('PUT', '/tracing/buffer_size_kb', size)).status, 204);
});

test('the live view streams trace_pipe, pauses and resumes', kStep, async () => {
  await tab('Controls');
  await page.locator('#filter-input').fill('kmalloc');
  await page.locator('#filter-functions option[value="kmalloc"]').waitFor({ state: 'attached' });
  await page.getByTestId('filter').getByRole('button', { name: 'replace' }).click();
  await page.getByTestId('filter').locator('.chip', { hasText: 'kmalloc' }).waitFor();
  await page.locator('#tracer').selectOption('function');
  await page.locator('#tracer[data-current="function"]').waitFor();
  await page.locator('#tracing-on').check();
  await page.locator('label.switch', { hasText: /^on$/ }).waitFor();

  await tab('Live');
  const live = page.getByTestId('live');
  await live.getByRole('button', { name: 'start' }).click();
  await live.getByRole('button', { name: 'stop' }).waitFor();
  const count = async () => Number((await live.getByTestId('live-count').textContent()).split(' ')[0]);
  assert.equal((await api('PUT', '/workloads/run', 'alloc 20')).status, 204);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=live-count]')
                                          .textContent.split(' ')[0]) > 0);
  await live.locator('.row', { hasText: 'kmalloc' }).first().waitFor();

  await live.getByRole('button', { name: 'pause' }).click();
  const frozen = await count();
  assert.equal((await api('PUT', '/workloads/run', 'alloc 20')).status, 204);
  await page.waitForFunction(() => /paused: [1-9]\d* new lines held/.test(
    document.querySelector('[data-testid=live-held]')?.textContent ?? ''));
  assert.equal(await count(), frozen, 'a paused view shows no new line');
  await shoot('live-paused');
  await live.getByRole('button', { name: 'resume' }).click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=live-count]')
                                               .textContent.split(' ')[0]) > n, frozen);

  await live.getByPlaceholder('search').fill('kmalloc');
  const rows = await live.locator('.row').allTextContents();
  assert.ok(rows.length > 0);
  for (const row of rows) assert.ok(row.includes('kmalloc') || / \[LOST \d+ EVENTS\]/.test(row), row);
  await shoot('live');
  await live.getByRole('button', { name: 'stop' }).click();
  await live.getByRole('button', { name: 'start' }).waitFor();

  assert.ok(await until(async () => (await api('PUT', '/tracing/current_tracer', 'nop')).status === 204));
  assert.equal((await api('PUT', '/tracing/set_ftrace_filter', '')).status, 204);
});
