// Webhooks through the SDK: settings and subscriptions with a developer-key client (`hubspotClient.webhooks`), and
// the emulator's signed deliveries received by a node http server and checked with the SDK's own Signature.isValid
// (v1 and v3). run.sh starts the emulator with --app-id, --client-secret and --developer-api-key made up for the run.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, beforeEach, test } from 'node:test';
import { Signature } from '@hubspot/api-client';
import { admin, advanceClock, apiError, developerSdk, freshPortal, sdk, uniqueEmail } from './support.mjs';

const appId = Number(process.env.SPOKE_EMULATOR_APP_ID);
const clientSecret = process.env.SPOKE_EMULATOR_CLIENT_SECRET;
const developerApiKey = process.env.SPOKE_EMULATOR_DEVELOPER_API_KEY;

/** Every request the receiver got: { method, url (as the sender called it), headers, body }. */
const received = [];
/** What the receiver answers next (status codes, consumed in order; then 200). */
const answers = [];
let server;
let targetUrl;

before(async () => {
  assert.ok(appId && clientSecret && developerApiKey, 'run.sh passes SPOKE_EMULATOR_APP_ID, _CLIENT_SECRET and _DEVELOPER_API_KEY');
  server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, url: `http://${req.headers.host}${req.url}`, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = answers.length > 0 ? answers.shift() : 200;
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${server.address().port}/hubspot/webhooks`;
});

// closeAllConnections: the emulator's delivery client keeps its connection alive, and close() alone waits for it (the
// file then timed out after its tests had all passed, once in CI).
after(() => new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); }));

beforeEach(async () => {
  await freshPortal();
  received.length = 0;
  answers.length = 0;
  await admin('DELETE', '/webhooks/deliveries');
});

function webhooks() {
  return developerSdk(developerApiKey).webhooks;
}

/** Waits (bounded, no sleeping) until the emulator's delivery queue is idle; retries scheduled for later stay scheduled. */
async function deliveriesDone() {
  const state = await admin('POST', '/webhooks/wait');
  assert.equal(state.idle, true);
  return state;
}

function assertSigned(request) {
  assert.equal(request.headers['x-hubspot-signature-version'], 'v1');
  assert.equal(Signature.isValid({ signatureVersion: 'v1', signature: request.headers['x-hubspot-signature'], clientSecret, requestBody: request.body }), true, 'v1 signature');
  assert.equal(Signature.isValid({
    signatureVersion: 'v3', signature: request.headers['x-hubspot-signature-v3'], clientSecret, requestBody: request.body,
    method: request.method, url: request.url, timestamp: Number(request.headers['x-hubspot-request-timestamp']),
  }), true, 'v3 signature');
  assert.equal(Signature.isValid({ signatureVersion: 'v1', signature: request.headers['x-hubspot-signature'], clientSecret: 'wrong', requestBody: request.body }), false);
}

test('settingsApi configure, getAll and clear', async () => {
  const settings = await webhooks().settingsApi.configure(appId, { targetUrl, throttling: { maxConcurrentRequests: 10 } });
  assert.equal(settings.targetUrl, targetUrl);
  assert.equal(settings.throttling.maxConcurrentRequests, 10);
  assert.ok(settings.createdAt instanceof Date);
  const read = await webhooks().settingsApi.getAll(appId);
  assert.equal(read.targetUrl, targetUrl);
  await webhooks().settingsApi.clear(appId);
  await apiError(webhooks().settingsApi.getAll(appId), 404);
  // Another app's id answers 404; a private-app token is not the developer key.
  await apiError(webhooks().settingsApi.getAll(appId + 1), 404);
  await apiError(sdk().webhooks.settingsApi.getAll(appId), 401);
});

test('subscriptionsApi create, getAll, getById, update, updateBatch and archive', async () => {
  const created = await webhooks().subscriptionsApi.create(appId, { eventType: 'contact.propertyChange', propertyName: 'firstname', active: true });
  assert.match(created.id, /^\d+$/);
  assert.equal(created.eventType, 'contact.propertyChange');
  assert.equal(created.active, true);
  const other = await webhooks().subscriptionsApi.create(appId, { eventType: 'deal.creation', active: false });
  assert.deepEqual((await webhooks().subscriptionsApi.getAll(appId)).results.map((s) => s.id), [created.id, other.id]);
  assert.equal((await webhooks().subscriptionsApi.getById(Number(created.id), appId)).propertyName, 'firstname');

  const paused = await webhooks().subscriptionsApi.update(Number(created.id), appId, { active: false });
  assert.equal(paused.active, false);
  const batch = await webhooks().subscriptionsApi.updateBatch(appId, { inputs: [{ id: Number(created.id), active: true }, { id: Number(other.id), active: true }] });
  assert.equal(batch.status, 'COMPLETE');
  assert.deepEqual(batch.results.map((s) => s.active), [true, true]);
  const partial = await webhooks().subscriptionsApi.updateBatch(appId, { inputs: [{ id: 987654, active: true }] });
  assert.equal(partial.numErrors, 1);

  await webhooks().subscriptionsApi.archive(Number(other.id), appId);
  await apiError(webhooks().subscriptionsApi.getById(Number(other.id), appId), 404);
  const bad = await apiError(webhooks().subscriptionsApi.create(appId, { eventType: 'contact.propertyChange' }), 400);
  assert.match(bad.body.message, /propertyName/);
});

test('changes reach the target URL signed v1 and v3, valid by Signature.isValid', async () => {
  await webhooks().settingsApi.configure(appId, { targetUrl, throttling: { maxConcurrentRequests: 10 } });
  await webhooks().subscriptionsApi.create(appId, { eventType: 'contact.creation', active: true });
  await webhooks().subscriptionsApi.create(appId, { eventType: 'contact.propertyChange', propertyName: 'firstname', active: true });
  const client = sdk();
  const contact = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail() }, associations: [] });
  await client.crm.contacts.basicApi.update(contact.id, { properties: { firstname: 'Ada' } });
  await deliveriesDone();

  assert.ok(received.length >= 1);
  received.forEach(assertSigned);
  const events = received.flatMap((r) => JSON.parse(r.body)).sort((a, b) => a.eventId - b.eventId);
  assert.deepEqual(events.map((e) => e.subscriptionType), ['contact.creation', 'contact.propertyChange']);
  for (const e of events) {
    assert.equal(String(e.objectId), contact.id);
    assert.equal(e.appId, appId);
    assert.equal(e.attemptNumber, 0);
    assert.equal(e.changeSource, 'INTEGRATION');
    assert.equal(e.sourceId, String(appId));
    assert.equal(typeof e.occurredAt, 'number');
  }
  assert.equal(events[0].changeFlag, 'NEW');
  assert.equal(events[1].propertyName, 'firstname');
  assert.equal(events[1].propertyValue, 'Ada');
});

test('a 500 is retried with attemptNumber 1 once the emulator clock reaches the retry time', async () => {
  await webhooks().settingsApi.configure(appId, { targetUrl, throttling: { maxConcurrentRequests: 10 } });
  await webhooks().subscriptionsApi.create(appId, { eventType: 'company.creation', active: true });
  answers.push(500);
  await sdk().crm.companies.basicApi.create({ properties: { name: 'Retry Co' }, associations: [] });
  const { scheduled } = await deliveriesDone();
  assert.equal(scheduled, 1);
  const [first] = (await admin('GET', '/webhooks/deliveries')).results;
  assert.equal(first.outcome, 'status');
  assert.equal(first.status, 500);
  assert.equal(received.length, 1);

  await advanceClock(Date.parse(first.nextRetryAt) - Date.parse((await admin('GET', '/clock')).now) + 1);
  await deliveriesDone();
  assert.equal(received.length, 2);
  received.forEach(assertSigned);
  assert.equal(JSON.parse(received[1].body)[0].attemptNumber, 1);
  assert.equal(JSON.parse(received[1].body)[0].eventId, JSON.parse(received[0].body)[0].eventId);
  const log = (await admin('GET', '/webhooks/deliveries')).results;
  assert.deepEqual(log.map((d) => [d.attemptNumber, d.outcome]), [[0, 'status'], [1, 'delivered']]);
  assert.ok(!JSON.stringify(log).includes(clientSecret), 'the delivery log never shows the secret');
});
