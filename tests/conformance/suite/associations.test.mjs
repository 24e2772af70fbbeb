// Associations v4 through the SDK: client.crm.associations.v4 basicApi (createDefault, create with labels, getPage,
// archive), batchApi (create, getPage = batch read, archive), schema.definitionsApi (custom labels), the one-primary-
// company rule, and associations through the objects API (on create, `associations=` on getById).
// SDK note: v4 batch inputs name the source `_from` (the SDK's model renames the JSON field "from"); a plain `from`
// key is dropped by the SDK's serializer.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { apiError, assertRecordId, freshPortal, sdk, unique, uniqueEmail } from './support.mjs';

beforeEach(freshPortal);

const HUBSPOT_DEFINED = 'HUBSPOT_DEFINED';
const USER_DEFINED = 'USER_DEFINED';
// HubSpot's type ids (fact sheet §3.2 table).
const CONTACT_TO_COMPANY_PRIMARY = 1;
const COMPANY_TO_CONTACT_PRIMARY = 2;
const DEAL_TO_CONTACT = 3;
const CONTACT_TO_DEAL = 4;
const CONTACT_TO_COMPANY = 279;
const COMPANY_TO_CONTACT = 280;

/** The SDK deserializes into model classes; compare their fields as plain objects. */
const plain = (types) => types.map(({ category, typeId, label }) => ({ category, typeId, label }));

const spec = (associationTypeId, associationCategory = HUBSPOT_DEFINED) => ({ associationCategory, associationTypeId });

async function contact(client) {
  return (await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('assoc') } })).id;
}

async function company(client) {
  return (await client.crm.companies.basicApi.create({ properties: { name: unique('Assoc Co ') } })).id;
}

/** { toObjectId → [typeId, …] sorted } of one record's associations to a type, read with basicApi.getPage. */
async function associated(client, fromType, fromId, toType) {
  const page = await client.crm.associations.v4.basicApi.getPage(fromType, fromId, toType, undefined, 500);
  return Object.fromEntries(page.results.map((r) => [String(r.toObjectId), r.associationTypes.map((t) => t.typeId).sort((a, b) => a - b)]));
}

test('v4 basicApi.createDefault links the pair in both directions with the plain HUBSPOT_DEFINED types', async () => {
  const client = sdk();
  const c = await contact(client);
  const co = await company(client);

  const res = await client.crm.associations.v4.basicApi.createDefault('contacts', c, 'companies', co);
  assert.equal(res.status, 'COMPLETE');
  const forward = res.results.find((r) => r._from.id === c);
  assert.ok(forward, 'a result from the contact (the SDK exposes "from" as _from)');
  assert.equal(forward.to.id, co);
  assert.equal(forward.associationSpec.associationCategory, HUBSPOT_DEFINED);
  assert.equal(forward.associationSpec.associationTypeId, CONTACT_TO_COMPANY);
  assert.ok(res.results.some((r) => r._from.id === co && r.associationSpec.associationTypeId === COMPANY_TO_CONTACT));

  const page = await client.crm.associations.v4.basicApi.getPage('contacts', c, 'companies');
  assert.equal(page.results.length, 1);
  assert.equal(String(page.results[0].toObjectId), co);
  assert.deepEqual(plain(page.results[0].associationTypes), [{ category: HUBSPOT_DEFINED, typeId: CONTACT_TO_COMPANY, label: null }]);
  assert.deepEqual(await associated(client, 'companies', co, 'contacts'), { [c]: [COMPANY_TO_CONTACT] });
});

test('v4 basicApi.create with the Primary label answers the pair\'s labels and implies the plain type', async () => {
  const client = sdk();
  const c = await contact(client);
  const co = await company(client);

  const res = await client.crm.associations.v4.basicApi.create('contacts', c, 'companies', co, [spec(CONTACT_TO_COMPANY_PRIMARY)]);
  assert.equal(res.fromObjectTypeId, '0-1');
  assert.equal(String(res.fromObjectId), c);
  assert.equal(res.toObjectTypeId, '0-2');
  assert.equal(String(res.toObjectId), co);
  assert.deepEqual(res.labels, ['Primary']);

  const page = await client.crm.associations.v4.basicApi.getPage('contacts', c, 'companies');
  const types = plain(page.results[0].associationTypes).sort((a, b) => a.typeId - b.typeId);
  assert.deepEqual(types, [
    { category: HUBSPOT_DEFINED, typeId: CONTACT_TO_COMPANY_PRIMARY, label: 'Primary' },
    { category: HUBSPOT_DEFINED, typeId: CONTACT_TO_COMPANY, label: null },
  ]);
  assert.deepEqual(await associated(client, 'companies', co, 'contacts'), { [c]: [COMPANY_TO_CONTACT_PRIMARY, COMPANY_TO_CONTACT] });
});

test('v4 basicApi.create refuses a type id of another pair (400) and a missing record (404)', async () => {
  const client = sdk();
  const c = await contact(client);
  const co = await company(client);
  const wrongPair = await apiError(client.crm.associations.v4.basicApi.create('contacts', c, 'companies', co, [spec(CONTACT_TO_DEAL)]), 400);
  assert.equal(wrongPair.body.status, 'error');
  await apiError(client.crm.associations.v4.basicApi.createDefault('contacts', c, 'companies', '999'), 404);
  assert.deepEqual(await associated(client, 'contacts', c, 'companies'), {});
});

test('v4 basicApi.getPage pages with limit and after; the last page has no paging', async () => {
  const client = sdk();
  const co = await company(client);
  const contacts = [];
  for (let i = 0; i < 3; i++) {
    const c = await contact(client);
    contacts.push(c);
    await client.crm.associations.v4.basicApi.createDefault('companies', co, 'contacts', c);
  }

  const first = await client.crm.associations.v4.basicApi.getPage('companies', co, 'contacts', undefined, 2);
  assert.deepEqual(first.results.map((r) => String(r.toObjectId)), contacts.slice(0, 2));
  const after = first.paging?.next?.after;
  assert.equal(typeof after, 'string', 'a full page carries paging.next.after');

  const second = await client.crm.associations.v4.basicApi.getPage('companies', co, 'contacts', after, 2);
  assert.deepEqual(second.results.map((r) => String(r.toObjectId)), [contacts[2]]);
  assert.equal(second.paging, undefined);
});

test('v4 basicApi.archive removes every label of the pair, both ways', async () => {
  const client = sdk();
  const c = await contact(client);
  const co = await company(client);
  await client.crm.associations.v4.basicApi.create('contacts', c, 'companies', co, [spec(CONTACT_TO_COMPANY_PRIMARY)]);

  const none = await client.crm.associations.v4.basicApi.archive('contacts', c, 'companies', co);
  assert.equal(none, undefined, '204: the SDK resolves with nothing');
  assert.deepEqual(await associated(client, 'contacts', c, 'companies'), {});
  assert.deepEqual(await associated(client, 'companies', co, 'contacts'), {});
});

test('v4 batchApi.create, getPage (batch read) with a 207 for an id without associations, and archive', async () => {
  const client = sdk();
  const [a, b] = [await contact(client), await contact(client)];
  const co = await company(client);

  const created = await client.crm.associations.v4.batchApi.create('contacts', 'companies', {
    inputs: [
      { _from: { id: a }, to: { id: co }, types: [spec(CONTACT_TO_COMPANY_PRIMARY)] },
      { _from: { id: b }, to: { id: co }, types: [spec(CONTACT_TO_COMPANY)] },
    ],
  });
  assert.equal(created.status, 'COMPLETE');
  assert.equal(created.results.length, 2);
  const forA = created.results.find((r) => String(r.fromObjectId) === a);
  assert.deepEqual(forA.labels, ['Primary']);
  assert.ok(created.startedAt instanceof Date && created.completedAt instanceof Date, 'the SDK parses batch timestamps');

  const read = await client.crm.associations.v4.batchApi.getPage('contacts', 'companies', { inputs: [{ id: a }, { id: b }] });
  assert.equal(read.results.length, 2);
  const readA = read.results.find((r) => r._from.id === a);
  assert.equal(String(readA.to[0].toObjectId), co);
  assert.deepEqual(readA.to[0].associationTypes.map((t) => t.typeId).sort((x, y) => x - y), [CONTACT_TO_COMPANY_PRIMARY, CONTACT_TO_COMPANY]);

  const archived = await client.crm.associations.v4.batchApi.archive('contacts', 'companies', { inputs: [{ _from: { id: b }, to: [{ id: co }] }] });
  assert.equal(archived, undefined);
  assert.deepEqual(Object.keys(await associated(client, 'companies', co, 'contacts')), [a]);

  // b has no companies any more: batch read answers 207, which the SDK returns (not throws) with the errors.
  const partial = await client.crm.associations.v4.batchApi.getPage('contacts', 'companies', { inputs: [{ id: a }, { id: b }] });
  assert.equal(partial.results.length, 1);
  assert.equal(partial.numErrors, 1);
  assert.equal(partial.errors[0].category, 'OBJECT_NOT_FOUND');
});

test('v4 batchApi.create answers 207 for the inputs that fail and creates the rest', async () => {
  const client = sdk();
  const c = await contact(client);
  const co = await company(client);
  const res = await client.crm.associations.v4.batchApi.create('contacts', 'companies', {
    inputs: [
      { _from: { id: c }, to: { id: co }, types: [spec(CONTACT_TO_COMPANY)] },
      { _from: { id: '999' }, to: { id: co }, types: [spec(CONTACT_TO_COMPANY)] },
    ],
  });
  assert.equal(res.results.length, 1);
  assert.equal(res.numErrors, 1);
  assert.deepEqual(await associated(client, 'contacts', c, 'companies'), { [co]: [CONTACT_TO_COMPANY] });
});

test('schema.definitionsApi: create a USER_DEFINED label, find it with getAll, use it on a pair', async () => {
  const client = sdk();
  const name = unique('manager_');
  const created = await client.crm.associations.v4.schema.definitionsApi.create('contacts', 'companies', {
    name, label: 'Manager', inverseLabel: 'Managed company',
  });
  const forward = created.results.find((r) => r.label === 'Manager');
  const inverse = created.results.find((r) => r.label === 'Managed company');
  assert.ok(forward && inverse, 'a paired label answers both directions');
  assert.equal(forward.category, USER_DEFINED);
  assert.notEqual(forward.typeId, inverse.typeId);

  const all = await client.crm.associations.v4.schema.definitionsApi.getAll('contacts', 'companies');
  assert.ok(all.results.some((r) => r.typeId === forward.typeId && r.label === 'Manager' && r.category === USER_DEFINED));
  assert.ok(all.results.some((r) => r.typeId === CONTACT_TO_COMPANY_PRIMARY && r.label === 'Primary' && r.category === HUBSPOT_DEFINED));
  assert.ok(all.results.some((r) => r.typeId === CONTACT_TO_COMPANY && r.category === HUBSPOT_DEFINED));

  const c = await contact(client);
  const co = await company(client);
  const labelled = await client.crm.associations.v4.basicApi.create('contacts', c, 'companies', co, [spec(forward.typeId, USER_DEFINED)]);
  assert.deepEqual(labelled.labels, ['Manager']);
  const back = await client.crm.associations.v4.basicApi.getPage('companies', co, 'contacts');
  assert.ok(back.results[0].associationTypes.some((t) => t.typeId === inverse.typeId && t.label === 'Managed company'));

  // The same internal name again is a conflict.
  await apiError(client.crm.associations.v4.schema.definitionsApi.create('contacts', 'companies', { name, label: 'Again' }), 409);
});

test('a contact has one primary company: a new primary moves the label, the old company keeps the plain type', async () => {
  const client = sdk();
  const c = await contact(client);
  const [first, second] = [await company(client), await company(client)];

  await client.crm.associations.v4.basicApi.create('contacts', c, 'companies', first, [spec(CONTACT_TO_COMPANY_PRIMARY)]);
  await client.crm.associations.v4.basicApi.create('contacts', c, 'companies', second, [spec(CONTACT_TO_COMPANY_PRIMARY)]);

  assert.deepEqual(await associated(client, 'contacts', c, 'companies'), {
    [first]: [CONTACT_TO_COMPANY],
    [second]: [CONTACT_TO_COMPANY_PRIMARY, CONTACT_TO_COMPANY],
  });
  assert.deepEqual(await associated(client, 'companies', first, 'contacts'), { [c]: [COMPANY_TO_CONTACT] });
  const read = await client.crm.contacts.basicApi.getById(c, ['associatedcompanyid']);
  assert.equal(read.properties.associatedcompanyid, second, 'associatedcompanyid follows the primary company');
});

test('basicApi.create of a deal with associations links it to a contact', async () => {
  const client = sdk();
  const c = await contact(client);
  const deal = await client.crm.deals.basicApi.create({
    properties: { dealname: unique('Deal '), pipeline: 'default', dealstage: 'appointmentscheduled' },
    associations: [{ to: { id: c }, types: [spec(DEAL_TO_CONTACT)] }],
  });
  assertRecordId(deal.id);

  assert.deepEqual(await associated(client, 'deals', deal.id, 'contacts'), { [c]: [DEAL_TO_CONTACT] });
  assert.deepEqual(await associated(client, 'contacts', c, 'deals'), { [deal.id]: [CONTACT_TO_DEAL] });

  // An association to a record that does not exist refuses the whole create.
  await apiError(client.crm.deals.basicApi.create({
    properties: { dealname: unique('Orphan '), pipeline: 'default', dealstage: 'appointmentscheduled' },
    associations: [{ to: { id: '999' }, types: [spec(DEAL_TO_CONTACT)] }],
  }), 400);
});

test('basicApi.getById with associations=["companies"] lists the associated ids with v3 type names', async () => {
  const client = sdk();
  const c = await contact(client);
  const [primary, other] = [await company(client), await company(client)];
  await client.crm.associations.v4.basicApi.create('contacts', c, 'companies', primary, [spec(CONTACT_TO_COMPANY_PRIMARY)]);
  await client.crm.associations.v4.basicApi.createDefault('contacts', c, 'companies', other);

  const read = await client.crm.contacts.basicApi.getById(c, undefined, undefined, ['companies']);
  const results = read.associations.companies.results;
  assert.deepEqual(new Set(results.map((r) => r.id)), new Set([primary, other]));
  assert.ok(results.some((r) => r.id === primary && r.type === 'contact_to_company'), 'the primary pair uses the plain v3 name');
  assert.ok(results.some((r) => r.id === other && r.type === 'contact_to_company_unlabeled'));

  const plain = await client.crm.contacts.basicApi.getById(c);
  assert.equal(plain.associations, undefined, 'no associations unless asked for');
});
