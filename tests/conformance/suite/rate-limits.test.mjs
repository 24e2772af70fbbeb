// Rate limits as the SDK meets them: the 10-second burst budget of a Professional private app (190 requests),
// the 429 body the SDK's retry logic reads (policyName), and that retry succeeding once the window has passed.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { admin, advanceClock, apiError, freshPortal, sdk, url } from './support.mjs';

beforeEach(freshPortal);
afterEach(() => admin('PUT', '/rate-limits', { tier: 'off' }));

const PROFESSIONAL_BURST = 190;

/** Sends `count` list requests through the SDK, `parallel` at a time; returns how many succeeded and the 429s. */
async function burst(client, count, parallel = 10) {
  let ok = 0;
  const rejected = [];
  for (let sent = 0; sent < count; sent += parallel) {
    const calls = Array.from({ length: Math.min(parallel, count - sent) }, () => client.crm.contacts.basicApi.getPage(1));
    for (const outcome of await Promise.allSettled(calls)) {
      if (outcome.status === 'fulfilled') {
        ok++;
      } else if (outcome.reason?.code === 429) {
        rejected.push(outcome.reason);
      } else {
        throw outcome.reason;
      }
    }
  }
  return { ok, rejected };
}

test('429 TEN_SECONDLY_ROLLING after 190 requests in 10 s (SDK retries off)', async () => {
  await admin('PUT', '/rate-limits', { tier: 'professional' });
  const client = sdk({ retries: 0 });
  const { ok, rejected } = await burst(client, PROFESSIONAL_BURST + 10);
  assert.equal(ok, PROFESSIONAL_BURST, 'exactly the burst budget succeeds');
  assert.equal(rejected.length, 10);
  const [e] = rejected;
  assert.equal(e.body.status, 'error');
  assert.equal(e.body.policyName, 'TEN_SECONDLY_ROLLING');
  assert.equal(e.body.errorType, 'RATE_LIMIT');
  assert.equal(typeof e.body.message, 'string');
  assert.match(e.body.correlationId, /^[0-9a-f-]{36}$/);

  await admin('PUT', '/rate-limits', { tier: 'off' });
  const after = await client.crm.contacts.basicApi.getPage(1);
  assert.ok(Array.isArray(after.results), 'limits off: requests pass again');
});

test('the burst window rolls: after 10 s on the emulator clock requests pass again', async () => {
  await admin('PUT', '/rate-limits', { tier: 'professional' });
  const client = sdk({ retries: 0 });
  await burst(client, PROFESSIONAL_BURST);
  await apiError(client.crm.contacts.basicApi.getPage(1), 429);
  await advanceClock(10_000);
  const page = await client.crm.contacts.basicApi.getPage(1);
  assert.ok(Array.isArray(page.results));
});

test('rate-limit headers are visible through the SDK\'s WithHttpInfo calls', async () => {
  await admin('PUT', '/rate-limits', { tier: 'professional' });
  const client = sdk();
  const first = await client.crm.contacts.basicApi.getPageWithHttpInfo(1);
  const second = await client.crm.contacts.basicApi.getPageWithHttpInfo(1);
  assert.equal(first.httpStatusCode, 200);
  assert.equal(first.headers['x-hubspot-ratelimit-max'], String(PROFESSIONAL_BURST));
  assert.equal(first.headers['x-hubspot-ratelimit-interval-milliseconds'], '10000');
  assert.equal(Number(second.headers['x-hubspot-ratelimit-remaining']), Number(first.headers['x-hubspot-ratelimit-remaining']) - 1);
});

test('the SDK\'s own retry (numberOfApiCallRetries: 3) succeeds once the emulator clock passes the window', async () => {
  await admin('PUT', '/rate-limits', { tier: 'professional' });
  // Use up the burst budget with plain HTTP, so the SDK's first attempt meets a 429.
  const token = process.env.SPOKE_EMULATOR_TOKEN;
  for (let i = 0; i < PROFESSIONAL_BURST; i += 10) {
    await Promise.all(Array.from({ length: 10 }, () =>
      fetch(`${url}/crm/v3/objects/contacts?limit=1`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.arrayBuffer())));
  }

  // The SDK waits 10 s (setTimeout) before retrying a TEN_SECONDLY_ROLLING 429. Fake that timer rather than sleep:
  // once the SDK reports the retry, move the emulator clock past the window and fire the SDK's timer.
  const retryNotices = [];
  let retryAnnounced;
  const waitingForRetry = { promise: new Promise((resolve) => { retryAnnounced = resolve; }), resolve: () => retryAnnounced() };
  mock.method(console, 'error', (message) => {
    if (/^Request failed with status code/.test(String(message))) {
      retryNotices.push(String(message));
      waitingForRetry.resolve();
    }
  });
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const client = sdk({ retries: 3 });
    const call = client.crm.contacts.basicApi.getPage(1);
    await Promise.race([waitingForRetry.promise, call.then(() => { throw new Error('the first attempt should have met a 429'); })]);
    assert.match(retryNotices[0], /status code \[429\], will retry \[1\] time in \[10000\] ms/);
    await advanceClock(10_000);
    mock.timers.tick(10_000);
    const page = await call;
    assert.ok(Array.isArray(page.results), 'the retried call succeeds');
    assert.equal(retryNotices.length, 1, 'one retry was enough');
  } finally {
    mock.timers.reset();
    mock.restoreAll();
  }
});
