// Merge and GDPR delete through the SDK's basicApi.merge and basicApi.purge (fact sheet §3.1):
// merge answers the surviving record (the primary), and a GET of the merged id answers with the survivor;
// GDPR delete answers 204, the contact is then gone for good (404, also with archived=true), and its email is
// blocklisted: a later create with it is refused with 400, even when no contact had that email.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { apiError, freshPortal, sdk, unique, uniqueEmail } from './support.mjs';

beforeEach(freshPortal);

test('contacts basicApi.merge answers the survivor; GET of the merged id answers with the survivor', async () => {
  const client = sdk();
  const primary = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('keep'), firstname: 'Ada' } });
  const merged = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('gone'), lastname: 'Lovelace' } });

  const survivor = await client.crm.contacts.basicApi.merge({ primaryObjectId: primary.id, objectIdToMerge: merged.id });
  assert.equal(survivor.id, primary.id);
  assert.equal(survivor.properties.email, primary.properties.email, 'the primary keeps its email');

  const viaMergedId = await client.crm.contacts.basicApi.getById(merged.id, ['email']);
  assert.equal(viaMergedId.id, primary.id, 'the merged id resolves to the survivor');
  const page = await client.crm.contacts.basicApi.getPage(100);
  assert.deepEqual(page.results.map((c) => c.id), [primary.id], 'only the survivor is listed');
});

test('companies basicApi.merge answers the survivor; GET of the merged id answers with the survivor', async () => {
  const client = sdk();
  const primary = await client.crm.companies.basicApi.create({ properties: { name: unique('Keep ') } });
  const merged = await client.crm.companies.basicApi.create({ properties: { name: unique('Gone ') } });

  const survivor = await client.crm.companies.basicApi.merge({ primaryObjectId: primary.id, objectIdToMerge: merged.id });
  assert.equal(survivor.id, primary.id);
  assert.equal(survivor.properties.name, primary.properties.name);

  const viaMergedId = await client.crm.companies.basicApi.getById(merged.id, ['name']);
  assert.equal(viaMergedId.id, primary.id);
});

test('contacts basicApi.purge (GDPR delete) by id: 204, then 404 even with archived=true', async () => {
  const client = sdk();
  const c = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('gdpr-id') } });

  const res = await client.crm.contacts.basicApi.purge({ objectId: c.id });
  assert.equal(res, undefined, '204: the SDK resolves with nothing');

  await apiError(client.crm.contacts.basicApi.getById(c.id), 404);
  await apiError(client.crm.contacts.basicApi.getById(c.id, undefined, undefined, undefined, true), 404);
});

test('contacts basicApi.purge by email (idProperty "email"): 204, then 404; a later create with that email is refused 400', async () => {
  const client = sdk();
  const email = uniqueEmail('gdpr-email');
  const c = await client.crm.contacts.basicApi.create({ properties: { email, firstname: 'Forget' } });

  await client.crm.contacts.basicApi.purge({ objectId: email, idProperty: 'email' });
  await apiError(client.crm.contacts.basicApi.getById(c.id), 404);
  await apiError(client.crm.contacts.basicApi.getById(email, undefined, undefined, undefined, false, 'email'), 404);

  const refused = await apiError(client.crm.contacts.basicApi.create({ properties: { email } }), 400);
  assert.equal(refused.body.status, 'error');

  // An email no contact had is blocklisted too (fact sheet: "the email address will be added to a blocklist").
  const never = uniqueEmail('gdpr-never');
  await client.crm.contacts.basicApi.purge({ objectId: never, idProperty: 'email' });
  await apiError(client.crm.contacts.basicApi.create({ properties: { email: never } }), 400);
});
