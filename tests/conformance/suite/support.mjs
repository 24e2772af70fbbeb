// Shared plumbing for the conformance suite: the SDK pointed at the emulator, the emulator's admin API, and
// assertions on errors as a user of @hubspot/api-client sees them (ApiException: e.code, e.body).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from '@hubspot/api-client';

export const url = process.env.SPOKE_EMULATOR_URL;
const token = process.env.SPOKE_EMULATOR_TOKEN;
if (!url || !token) {
  throw new Error('SPOKE_EMULATOR_URL and SPOKE_EMULATOR_TOKEN must be set (tests/conformance/run.sh sets them).');
}

/**
 * A fresh SDK client, configured the way an integration would be, but aimed at the emulator.
 * The SDK installs its retry decorator in a process-wide singleton when a Client is constructed and applies it when
 * an API object is first touched, so each test builds its client right before using it.
 */
export function sdk({ accessToken = token, retries = 0 } = {}) {
  return new Client({ accessToken, basePath: url, numberOfApiCallRetries: retries });
}

/** Calls the emulator's admin API (/_emulator/...). Returns the parsed JSON body, or null for 204. */
export async function admin(method, path, body) {
  const res = await fetch(`${url}/_emulator${path}`, {
    method,
    // Every state-changing admin call says it is JSON, even without a body (the admin API refuses it otherwise).
    headers: method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`admin ${method} ${path} answered ${res.status}: ${text}`);
  }
  return text ? JSON.parse(text) : null;
}

/** Back to a fresh portal with rate limits off and no fault rules, so each case starts from the same state. */
export async function freshPortal() {
  await admin('POST', '/reset');
  await admin('PUT', '/rate-limits', { tier: 'off' });
  // Fault rules survive a reset; a case that failed half-way must not leave its faults to the next one.
  await admin('DELETE', '/faults');
}

/**
 * The app the emulator stands in for: `{ appId, developerApiKey }`. App-level APIs (timeline event templates)
 * authenticate with the developer API key (`?hapikey=`), not a private-app token.
 */
export async function developerApp() {
  return admin('GET', '/app');
}

/** An SDK client holding only the developer API key, as an app developer builds one for timeline templates. */
export function developerSdk(developerApiKey) {
  return new Client({ developerApiKey, basePath: url });
}

/** A token holding exactly these scopes. */
export async function tokenWithScopes(scopes) {
  return (await admin('POST', '/tokens', { scopes })).token;
}

/** Moves the emulator clock on (rate-limit windows, search-index lag) without sleeping. */
export async function advanceClock(milliseconds) {
  return admin('POST', '/clock/advance', { milliseconds });
}

/**
 * HubSpot's search index lags writes ("may take a few moments"); an emulator models that lag on its clock.
 * Tests move the clock well past it instead of waiting.
 */
export async function letSearchIndexCatchUp() {
  await advanceClock(30_000);
}

/** A value no other test uses (emails, names). */
export function unique(prefix = 'c') {
  return `${prefix}${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

export function uniqueEmail(prefix = 'user') {
  return `${unique(prefix)}@example.com`;
}

/** Awaits a call that must fail and returns the ApiException after checking its HTTP status. */
export async function apiError(promise, status) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected the SDK to throw an ApiException with status ${status}, but the call succeeded`);
  assert.equal(error.code, status, `expected HTTP ${status}, got ${error.code}: ${JSON.stringify(error.body)}`);
  assert.equal(typeof error.body, 'object', 'the SDK should surface the error body as an object');
  return error;
}

/** The shape every HubSpot error body shares (fact sheet §5). */
export function assertErrorBody(body, category) {
  assert.equal(body.status, 'error');
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0, 'error message should not be empty');
  assert.match(body.correlationId, /^[0-9a-f-]{36}$/);
  if (category !== undefined) {
    assert.equal(body.category, category);
  }
}

/** A record id as HubSpot sends it: a numeric string. */
export function assertRecordId(id) {
  assert.equal(typeof id, 'string');
  assert.match(id, /^\d+$/);
}

/** Creates contacts through the SDK's batch API, 100 per call (HubSpot's batch limit). */
export async function createContacts(client, inputs) {
  const created = [];
  for (let i = 0; i < inputs.length; i += 100) {
    const chunk = inputs.slice(i, i + 100).map((properties) => ({ properties, associations: [] }));
    const res = await client.crm.contacts.batchApi.create({ inputs: chunk });
    created.push(...res.results);
  }
  return created;
}
