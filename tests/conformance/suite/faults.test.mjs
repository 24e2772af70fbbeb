// Injected failures (/_emulator/faults) as the SDK meets them, with and without its retry decorator.
// What the SDK's RetryDecorator does (lib/src/services/decorators/RetryDecorator.js, 14.0.1):
// - `numberOfApiCallRetries: N` means N attempts in all (N - 1 retries), not N retries;
// - any 5xx is retried after 200 ms × attempt number;
// - a 429 is retried only when body.policyName is TEN_SECONDLY_ROLLING (10 s × attempt) or body.message is
//   "You have reached your secondly limit." (1 s × attempt); other 429s (DAILY) and 4xx are thrown at once;
// - it retries POSTs too, so a create that succeeded behind a 5xx is sent again;
// - a dropped connection (fetch rejects with TypeError "fetch failed", no status) is not retried.
// Before each wait it logs "Request failed with status code [S], will retry [n] time in [T] ms" with console.error.
// Its waits are setTimeout calls: the cases fake them with node's mock timers rather than sleep.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { admin, apiError, freshPortal, sdk, uniqueEmail } from './support.mjs';

beforeEach(freshPortal);
afterEach(() => admin('DELETE', '/faults'));

async function fault(rule) {
  return admin('POST', '/faults', rule);
}

async function faultStatus(id) {
  return (await admin('GET', '/faults')).results.find((r) => r.id === id);
}

/**
 * Takes over the SDK's retry waits: collects its retry notices and fakes setTimeout. `retried(n, call)` resolves once
 * the n-th notice is logged (the SDK is then waiting on its timer), and fails if `call` settles first.
 */
function fakeRetryWaits() {
  const notices = [];
  const waiting = [];
  mock.method(console, 'error', (message) => {
    const text = String(message);
    if (/^Request failed with status code/.test(text)) {
      notices.push(text);
      for (const w of waiting.splice(0)) w();
    }
  });
  mock.timers.enable({ apis: ['setTimeout'] });
  return {
    notices,
    async retried(n, call) {
      while (notices.length < n) {
        const noticed = new Promise((resolve) => waiting.push(resolve));
        const settled = call.then(
          () => { throw new Error(`the call succeeded before retry notice ${n}; notices: ${JSON.stringify(notices)}`); },
          (e) => { throw new Error(`the call failed (${e?.code}) before retry notice ${n}; notices: ${JSON.stringify(notices)}`); });
        settled.catch(() => {}); // raced below; avoid an unhandled rejection when the notice wins
        await Promise.race([noticed, settled]);
      }
    },
    tick(ms) {
      mock.timers.tick(ms);
    },
    restore() {
      mock.timers.reset();
      mock.restoreAll();
    },
  };
}

async function contact(client) {
  return client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('fault') } });
}

test('without retries a user sees the injected 503 as an ApiException with HubSpot\'s error body', async () => {
  const created = await contact(sdk());
  const rule = await fault({ route: 'GET /crm/v3/objects/contacts/*', kind: 'status', status: 503, count: 1 });
  const client = sdk({ retries: 0 });
  const e = await apiError(client.crm.contacts.basicApi.getById(created.id), 503);
  assert.equal(e.body.status, 'error');
  assert.equal(e.body.category, 'SERVICE_UNAVAILABLE');
  assert.match(e.body.correlationId, /^[0-9a-f-]{36}$/);
  const read = await client.crm.contacts.basicApi.getById(created.id);
  assert.equal(read.id, created.id, 'the burst is over after count requests');
  const status = await faultStatus(rule.id);
  assert.equal(status.fired, 1);
  assert.equal(status.active, false);
});

test('numberOfApiCallRetries: 3 survives a 503 burst of 2 on a GET (waits 200 ms, then 400 ms)', async () => {
  const created = await contact(sdk());
  const rule = await fault({ route: 'GET /crm/v3/objects/contacts/*', kind: 'status', status: 503, count: 2 });
  const waits = fakeRetryWaits();
  try {
    const client = sdk({ retries: 3 });
    const call = client.crm.contacts.basicApi.getById(created.id, ['email']);
    await waits.retried(1, call);
    waits.tick(200);
    await waits.retried(2, call);
    waits.tick(400);
    const read = await call;
    assert.equal(read.id, created.id);
    assert.equal(read.properties.email, created.properties.email);
    assert.deepEqual(waits.notices, [
      'Request failed with status code [503], will retry [1] time in [200] ms',
      'Request failed with status code [503], will retry [2] time in [200] ms',
    ]);
  } finally {
    waits.restore();
  }
  assert.equal((await faultStatus(rule.id)).fired, 2);
});

test('numberOfApiCallRetries: 3 is three attempts: a 503 burst of 3 reaches the user after two retries', async () => {
  const created = await contact(sdk());
  await fault({ route: 'GET /crm/v3/objects/contacts/*', kind: 'status', status: 503, count: 3 });
  const waits = fakeRetryWaits();
  try {
    const client = sdk({ retries: 3 });
    const call = client.crm.contacts.basicApi.getById(created.id);
    await waits.retried(1, call);
    waits.tick(200);
    await waits.retried(2, call);
    waits.tick(400);
    const e = await apiError(call, 503);
    assert.equal(e.body.category, 'SERVICE_UNAVAILABLE');
    assert.equal(waits.notices.length, 2, 'no notice (and no wait) after the last attempt');
  } finally {
    waits.restore();
  }
});

test('the SDK retries a create that succeeded behind a 500: the retry meets 409 "Contact already exists"', async () => {
  await fault({ route: 'POST /crm/v3/objects/contacts', kind: 'status', status: 500, afterExecute: true, count: 1 });
  const email = uniqueEmail('twice');
  const waits = fakeRetryWaits();
  let e;
  try {
    const client = sdk({ retries: 3 });
    const call = client.crm.contacts.basicApi.create({ properties: { email } });
    await waits.retried(1, call);
    waits.tick(200);
    e = await apiError(call, 409);
    assert.equal(waits.notices.length, 1, 'the SDK does not retry a 409');
  } finally {
    waits.restore();
  }
  const existingId = /Existing ID: (\d+)/.exec(e.body.message)?.[1];
  assert.ok(existingId, `the 409 names the existing contact: ${e.body.message}`);
  const read = await sdk().crm.contacts.basicApi.getById(email, ['email'], undefined, undefined, false, 'email');
  assert.equal(read.id, existingId, 'the first attempt did create the contact');
});

test('a TEN_SECONDLY_ROLLING 429 burst of 2: the SDK waits 10 s, then 20 s, and succeeds', async () => {
  const created = await contact(sdk());
  const rule = await fault({ route: 'GET /crm/v3/objects/contacts/*', kind: 'rateLimit', count: 2 });
  const waits = fakeRetryWaits();
  try {
    const client = sdk({ retries: 3 });
    const call = client.crm.contacts.basicApi.getById(created.id);
    await waits.retried(1, call);
    assert.match(waits.notices[0], /status code \[429\], will retry \[1\] time in \[10000\] ms/);
    waits.tick(10_000);
    await waits.retried(2, call);
    waits.tick(20_000);
    assert.equal((await call).id, created.id);
  } finally {
    waits.restore();
  }
  assert.equal((await faultStatus(rule.id)).fired, 2);
});

test('a SECONDLY 429 is retried after 1 s; a DAILY 429 reaches the user at once', async () => {
  const created = await contact(sdk());
  await fault({ route: 'GET /crm/v3/objects/contacts/*', kind: 'rateLimit', policy: 'SECONDLY', count: 1 });
  const waits = fakeRetryWaits();
  try {
    const client = sdk({ retries: 3 });
    const call = client.crm.contacts.basicApi.getById(created.id);
    await waits.retried(1, call);
    assert.match(waits.notices[0], /status code \[429\], will retry \[1\] time in \[1000\] ms/);
    waits.tick(1_000);
    assert.equal((await call).id, created.id);

    await fault({ route: 'GET /crm/v3/objects/contacts/*', kind: 'rateLimit', policy: 'DAILY', count: 1 });
    const e = await apiError(client.crm.contacts.basicApi.getById(created.id), 429);
    assert.equal(e.body.policyName, 'DAILY');
    assert.equal(waits.notices.length, 1, 'no retry for the daily limit');
  } finally {
    waits.restore();
  }
});

test('a dropped connection is not retried: the SDK (native fetch) throws TypeError "fetch failed", not an ApiException', async () => {
  const created = await contact(sdk());
  const rule = await fault({ route: 'GET /crm/v3/objects/contacts/*', kind: 'drop', count: 1 });
  const waits = fakeRetryWaits();
  let error;
  try {
    await sdk({ retries: 3 }).crm.contacts.basicApi.getById(created.id);
  } catch (e) {
    error = e;
  } finally {
    waits.restore();
  }
  assert.ok(error instanceof TypeError, `expected fetch's TypeError, got ${error}`);
  assert.equal(error.message, 'fetch failed');
  assert.equal(error.code, undefined, 'no HTTP status: the RetryDecorator sees code 0 and gives up');
  assert.deepEqual(waits.notices, []);
  const status = await faultStatus(rule.id);
  assert.equal(status.matched, 1, 'one attempt only');
  assert.equal(status.fired, 1);
});
