// The emulator clock (/_emulator/clock) as the SDK sees it: timestamps on records written while the clock is frozen,
// fault rules bounded by emulator time, and the 90-day retention of archived records.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { admin, advanceClock, apiError, freshPortal, sdk, uniqueEmail } from './support.mjs';

beforeEach(freshPortal);
afterEach(async () => {
  await admin('POST', '/clock/unfreeze');
  await admin('DELETE', '/faults');
});

const DAY = 24 * 60 * 60 * 1000;

test('records written while the clock is frozen carry its instant; advancing moves it exactly', async () => {
  const { now } = await admin('POST', '/clock/freeze');
  const client = sdk();
  const a = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('frozen') } });
  const b = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('frozen') } });
  assert.equal(a.createdAt.toISOString(), new Date(now).toISOString());
  assert.equal(b.createdAt.getTime(), a.createdAt.getTime(), 'a frozen clock stamps every write alike');

  await advanceClock(60 * 60 * 1000);
  const updated = await client.crm.contacts.basicApi.update(a.id, { properties: { firstname: 'Later' } });
  assert.equal(updated.updatedAt.getTime() - a.createdAt.getTime(), 60 * 60 * 1000);
  assert.equal(updated.properties.lastmodifieddate, updated.updatedAt.toISOString());
});

test('a fault rule with durationMs ends when the emulator clock passes it', async () => {
  const created = await sdk().crm.contacts.basicApi.create({ properties: { email: uniqueEmail('window') } });
  await admin('POST', '/faults', { route: 'GET /crm/v3/objects/contacts/*', kind: 'status', status: 500, durationMs: 60_000 });
  const client = sdk({ retries: 0 });
  const e = await apiError(client.crm.contacts.basicApi.getById(created.id), 500);
  assert.equal(e.body.category, 'INTERNAL_ERROR');
  await apiError(client.crm.contacts.basicApi.getById(created.id), 500);

  await advanceClock(60_000);
  assert.equal((await client.crm.contacts.basicApi.getById(created.id)).id, created.id);
});

test('an archived contact stays readable with archived=true for 90 days of emulator time, then is purged', async () => {
  const client = sdk();
  const c = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('retention') } });
  await client.crm.contacts.basicApi.archive(c.id);
  await apiError(client.crm.contacts.basicApi.getById(c.id), 404);

  await advanceClock(89 * DAY);
  const archived = await client.crm.contacts.basicApi.getById(c.id, undefined, undefined, undefined, true);
  assert.equal(archived.archived, true);
  assert.ok(archived.archivedAt instanceof Date);

  await advanceClock(1 * DAY + 1000);
  await apiError(client.crm.contacts.basicApi.getById(c.id, undefined, undefined, undefined, true), 404);
  const page = await client.crm.contacts.basicApi.getPage(100, undefined, undefined, undefined, undefined, true);
  assert.ok(!page.results.some((r) => r.id === c.id), 'gone from archived listings too');
});
