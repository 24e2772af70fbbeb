// Contacts through client.crm.contacts: the basic, list and batch flows every integration starts with.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import {
  apiError, assertErrorBody, assertRecordId, createContacts, freshPortal, sdk, unique, uniqueEmail,
} from './support.mjs';

beforeEach(freshPortal);

test('contacts basicApi.create returns the new record with a string id, its properties and timestamps', async () => {
  const client = sdk();
  const email = uniqueEmail('create');
  const created = await client.crm.contacts.basicApi.create({
    properties: { email, firstname: 'Ada', lastname: 'Lovelace' },
    associations: [],
  });
  assertRecordId(created.id);
  assert.equal(created.properties.email, email);
  assert.equal(created.properties.firstname, 'Ada');
  assert.equal(created.properties.lastname, 'Lovelace');
  assert.equal(created.properties.hs_object_id, created.id);
  assert.ok(created.createdAt instanceof Date && !Number.isNaN(created.createdAt.getTime()), 'createdAt is a date');
  assert.ok(created.updatedAt instanceof Date && !Number.isNaN(created.updatedAt.getTime()), 'updatedAt is a date');
  assert.equal(created.archived, false);
});

test('contacts basicApi.getById returns the requested properties', async () => {
  const client = sdk();
  const email = uniqueEmail('get');
  const { id } = await client.crm.contacts.basicApi.create({ properties: { email, firstname: 'Grace', jobtitle: 'Admiral' } });
  const read = await client.crm.contacts.basicApi.getById(id, ['email', 'firstname', 'jobtitle']);
  assert.equal(read.id, id);
  assert.equal(read.properties.email, email);
  assert.equal(read.properties.firstname, 'Grace');
  assert.equal(read.properties.jobtitle, 'Admiral');
  assert.equal(read.archived, false);
});

test('contacts basicApi.getById with idProperty=email finds the contact by its email', async () => {
  const client = sdk();
  const email = uniqueEmail('byemail');
  const { id } = await client.crm.contacts.basicApi.create({ properties: { email, lastname: 'ByEmail' } });
  const read = await client.crm.contacts.basicApi.getById(email, ['email', 'lastname'], undefined, undefined, false, 'email');
  assert.equal(read.id, id);
  assert.equal(read.properties.lastname, 'ByEmail');
});

test('contacts basicApi.update changes a property and returns the updated record', async () => {
  const client = sdk();
  const { id, createdAt } = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('upd'), firstname: 'Before' } });
  const updated = await client.crm.contacts.basicApi.update(id, { properties: { firstname: 'After', jobtitle: 'Engineer' } });
  assert.equal(updated.id, id);
  assert.equal(updated.properties.firstname, 'After');
  assert.equal(updated.properties.jobtitle, 'Engineer');
  assert.ok(updated.updatedAt.getTime() >= createdAt.getTime(), 'updatedAt does not go back in time');
  const read = await client.crm.contacts.basicApi.getById(id, ['firstname']);
  assert.equal(read.properties.firstname, 'After');
});

test('contacts basicApi.archive removes the contact from reads (404) and lists', async () => {
  const client = sdk();
  const { id } = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('arch') } });
  const result = await client.crm.contacts.basicApi.archive(id);
  assert.equal(result, undefined);
  const e = await apiError(client.crm.contacts.basicApi.getById(id), 404);
  assertErrorBody(e.body, 'OBJECT_NOT_FOUND');
  const page = await client.crm.contacts.basicApi.getPage(100);
  assert.ok(!page.results.some((r) => r.id === id), 'an archived contact is not listed');
  const archived = await client.crm.contacts.basicApi.getById(id, ['email'], undefined, undefined, true);
  assert.equal(archived.archived, true);
});

test('contacts basicApi.getPage pages with after and drops paging on the last page', async () => {
  const client = sdk();
  const marker = unique('page');
  await createContacts(client, [1, 2, 3, 4, 5].map((n) => ({ email: `${marker}-${n}@example.com`, firstname: `${marker}-${n}` })));
  const first = await client.crm.contacts.basicApi.getPage(2, undefined, ['email', 'firstname']);
  assert.equal(first.results.length, 2);
  assert.equal(typeof first.paging?.next?.after, 'string', 'first page links to the next');
  assert.equal(first.results[0].properties.firstname, `${marker}-1`, 'oldest first');
  const seen = [...first.results];
  let after = first.paging.next.after;
  for (let guard = 0; after && guard < 10; guard++) {
    const page = await client.crm.contacts.basicApi.getPage(2, after, ['email', 'firstname']);
    seen.push(...page.results);
    after = page.paging?.next?.after;
    if (!after) {
      assert.equal(page.paging, undefined, 'no paging object on the last page');
    }
  }
  assert.equal(seen.length, 5);
  assert.deepEqual(seen.map((r) => r.properties.firstname), [1, 2, 3, 4, 5].map((n) => `${marker}-${n}`));
  assert.equal(new Set(seen.map((r) => r.id)).size, 5, 'no record is listed twice');
});

test('contacts getAll walks every page past 100 records', async () => {
  const client = sdk();
  const marker = unique('all');
  const inputs = Array.from({ length: 150 }, (_, n) => ({ email: `${marker}-${n}@example.com` }));
  const created = await createContacts(client, inputs);
  assert.equal(created.length, 150);
  const all = await client.crm.contacts.getAll(100, undefined, ['email']);
  assert.equal(all.length, 150);
  assert.equal(new Set(all.map((r) => r.id)).size, 150, 'each contact once');
  assert.deepEqual(new Set(all.map((r) => r.properties.email)), new Set(inputs.map((i) => i.email)));
});

test('contacts batchApi.create returns COMPLETE with one result per input', async () => {
  const client = sdk();
  const emails = [uniqueEmail('b1'), uniqueEmail('b2'), uniqueEmail('b3')];
  const res = await client.crm.contacts.batchApi.create({
    inputs: emails.map((email) => ({ properties: { email, lifecyclestage: 'lead' }, associations: [] })),
  });
  assert.equal(res.status, 'COMPLETE');
  assert.equal(res.results.length, 3);
  assert.deepEqual(new Set(res.results.map((r) => r.properties.email)), new Set(emails));
  res.results.forEach((r) => assertRecordId(r.id));
  assert.ok(res.startedAt instanceof Date && res.completedAt instanceof Date);
  assert.equal(res.numErrors, undefined);
});

test('contacts batchApi.read returns the requested records and properties', async () => {
  const client = sdk();
  const created = await createContacts(client, [{ email: uniqueEmail('r1'), firstname: 'R1' }, { email: uniqueEmail('r2'), firstname: 'R2' }]);
  const res = await client.crm.contacts.batchApi.read({
    inputs: created.map((c) => ({ id: c.id })),
    properties: ['firstname', 'email'],
    propertiesWithHistory: [],
  });
  assert.equal(res.status, 'COMPLETE');
  assert.deepEqual(new Set(res.results.map((r) => r.properties.firstname)), new Set(['R1', 'R2']));
});

test('contacts batchApi.read by email with a missing input is a 207 with an error entry', async () => {
  const client = sdk();
  const email = uniqueEmail('present');
  await client.crm.contacts.basicApi.create({ properties: { email } });
  const res = await client.crm.contacts.batchApi.read({
    idProperty: 'email',
    inputs: [{ id: email }, { id: uniqueEmail('absent') }],
    properties: ['email'],
    propertiesWithHistory: [],
  });
  assert.equal(res.results.length, 1);
  assert.equal(res.results[0].properties.email, email);
  assert.equal(res.numErrors, 1);
  assert.equal(res.errors[0].category, 'OBJECT_NOT_FOUND');
});

test('contacts batchApi.update changes every input', async () => {
  const client = sdk();
  const created = await createContacts(client, [{ email: uniqueEmail('u1') }, { email: uniqueEmail('u2') }]);
  const res = await client.crm.contacts.batchApi.update({
    inputs: created.map((c, i) => ({ id: c.id, properties: { lastname: `Updated${i}` } })),
  });
  assert.equal(res.status, 'COMPLETE');
  assert.equal(res.results.length, 2);
  const byId = new Map(res.results.map((r) => [r.id, r.properties.lastname]));
  assert.equal(byId.get(created[0].id), 'Updated0');
  assert.equal(byId.get(created[1].id), 'Updated1');
});

test('contacts batchApi.archive archives every input', async () => {
  const client = sdk();
  const created = await createContacts(client, [{ email: uniqueEmail('a1') }, { email: uniqueEmail('a2') }]);
  const result = await client.crm.contacts.batchApi.archive({ inputs: created.map((c) => ({ id: c.id })) });
  assert.equal(result, undefined);
  for (const c of created) {
    await apiError(client.crm.contacts.basicApi.getById(c.id), 404);
  }
});

test('contacts batchApi.upsert by email creates new contacts and updates existing ones (new flag)', async () => {
  const client = sdk();
  const existingEmail = uniqueEmail('existing');
  const newEmail = uniqueEmail('fresh');
  const existing = await client.crm.contacts.basicApi.create({ properties: { email: existingEmail, firstname: 'Old' } });
  const res = await client.crm.contacts.batchApi.upsert({
    inputs: [
      { id: existingEmail, idProperty: 'email', properties: { firstname: 'Updated' } },
      { id: newEmail, idProperty: 'email', properties: { firstname: 'Created' } },
    ],
  });
  assert.equal(res.status, 'COMPLETE');
  assert.equal(res.results.length, 2);
  const updated = res.results.find((r) => r.id === existing.id);
  assert.ok(updated, 'the existing contact keeps its id');
  assert.equal(updated._new, false);
  assert.equal(updated.properties.firstname, 'Updated');
  const created = res.results.find((r) => r.id !== existing.id);
  assert.equal(created._new, true);
  assert.equal(created.properties.firstname, 'Created');
  const read = await client.crm.contacts.basicApi.getById(newEmail, ['email', 'firstname'], undefined, undefined, false, 'email');
  assert.equal(read.id, created.id);
  assert.equal(read.properties.email, newEmail);
});

test('contacts basicApi.getById with propertiesWithHistory returns every value a property held', async () => {
  const client = sdk();
  const { id } = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('hist'), firstname: 'One' } });
  await client.crm.contacts.basicApi.update(id, { properties: { firstname: 'Two' } });
  const read = await client.crm.contacts.basicApi.getById(id, ['firstname'], ['firstname']);
  assert.equal(read.properties.firstname, 'Two');
  const history = read.propertiesWithHistory?.firstname;
  assert.ok(Array.isArray(history), 'propertiesWithHistory.firstname is an array');
  assert.deepEqual(new Set(history.map((h) => h.value)), new Set(['One', 'Two']));
  history.forEach((h) => assert.ok(h.timestamp instanceof Date && !Number.isNaN(h.timestamp.getTime())));
});

test('contacts basicApi.update with "" clears a value', async () => {
  const client = sdk();
  const { id } = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('clear'), jobtitle: 'Temporary' } });
  await client.crm.contacts.basicApi.update(id, { properties: { jobtitle: '' } });
  const read = await client.crm.contacts.basicApi.getById(id, ['jobtitle']);
  assert.ok(!read.properties.jobtitle, `jobtitle is cleared (got ${JSON.stringify(read.properties.jobtitle)})`);
});

test('contacts batchApi.create rejects more than 100 inputs with a 400', async () => {
  const client = sdk();
  const inputs = Array.from({ length: 101 }, () => ({ properties: { email: uniqueEmail('many') }, associations: [] }));
  const e = await apiError(client.crm.contacts.batchApi.create({ inputs }), 400);
  assertErrorBody(e.body, 'VALIDATION_ERROR');
  const page = await client.crm.contacts.basicApi.getPage(10);
  assert.equal(page.results.length, 0, 'nothing was created');
});
