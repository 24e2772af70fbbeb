// Lists v3 through the SDK: client.crm.lists.listsApi (create, getById, doSearch, remove, restore) and membershipsApi
// (add, remove, getPage), a MANUAL list and a DYNAMIC list whose membership follows a record update.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { apiError, freshPortal, sdk, unique, uniqueEmail } from './support.mjs';

beforeEach(freshPortal);

async function contact(client, properties = {}) {
  return (await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('list'), ...properties } })).id;
}

/** One PROPERTY filter in HubSpot's required shape: an OR branch holding one AND branch. */
function propertyFilter(property, operation) {
  return {
    filterBranchType: 'OR',
    filters: [],
    filterBranches: [{
      filterBranchType: 'AND',
      filterBranches: [],
      filters: [{ filterType: 'PROPERTY', property, operation }],
    }],
  };
}

test('listsApi.create makes a MANUAL contact list; membershipsApi.add/getPage/remove manage its members', async () => {
  const client = sdk();
  const name = unique('Newsletter ');
  const { list } = await client.crm.lists.listsApi.create({ name, objectTypeId: '0-1', processingType: 'MANUAL' });
  assert.match(list.listId, /^\d+$/);
  assert.equal(list.name, name);
  assert.equal(list.processingType, 'MANUAL');
  assert.equal(list.objectTypeId, '0-1');
  assert.equal(list.listVersion, 1);
  assert.ok(list.createdAt instanceof Date, 'the SDK parses createdAt into a Date');

  const [a, b, c] = [await contact(client), await contact(client), await contact(client)];
  const added = await client.crm.lists.membershipsApi.add(list.listId, [a, b, c, '999']);
  assert.deepEqual(added.recordsIdsAdded, [a, b, c], 'HubSpot spells it recordsIdsAdded');
  assert.deepEqual(added.recordIdsMissing, ['999']);
  assert.deepEqual(added.recordIdsRemoved, []);

  const first = await client.crm.lists.membershipsApi.getPage(list.listId, undefined, undefined, 2);
  assert.deepEqual(first.results.map((m) => m.recordId), [a, b]);
  assert.ok(first.results[0].membershipTimestamp instanceof Date);
  const after = first.paging?.next?.after;
  assert.equal(typeof after, 'string');
  const second = await client.crm.lists.membershipsApi.getPage(list.listId, after, undefined, 2);
  assert.deepEqual(second.results.map((m) => m.recordId), [c]);

  const removed = await client.crm.lists.membershipsApi.remove(list.listId, [b]);
  assert.deepEqual(removed.recordIdsRemoved, [b]);
  const read = await client.crm.lists.listsApi.getById(list.listId);
  assert.equal(read.list.size, 2);

  const memberships = await client.crm.lists.membershipsApi.getLists('0-1', a);
  assert.ok(memberships.results.some((m) => m.listId === list.listId), 'the record\'s lists include this one');
});

test('a DYNAMIC list with a property filter follows a record update', async () => {
  const client = sdk();
  const inside = await contact(client, { firstname: 'Ada', lifecyclestage: 'customer' });
  const outside = await contact(client, { firstname: 'Bob', lifecyclestage: 'lead' });

  const { list } = await client.crm.lists.listsApi.create({
    name: unique('Customers '),
    objectTypeId: '0-1',
    processingType: 'DYNAMIC',
    filterBranch: propertyFilter('lifecyclestage', { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: ['customer'] }),
  });
  assert.equal(list.processingType, 'DYNAMIC');
  const members = async () => (await client.crm.lists.membershipsApi.getPage(list.listId)).results.map((m) => m.recordId);
  assert.deepEqual(await members(), [inside]);

  await client.crm.contacts.basicApi.update(outside, { properties: { lifecyclestage: 'customer' } });
  assert.deepEqual((await members()).sort(), [inside, outside].sort(), 'the updated contact joins');

  await client.crm.contacts.basicApi.archive(inside);
  assert.deepEqual(await members(), [outside], 'an archived contact leaves');

  const withFilters = await client.crm.lists.listsApi.getById(list.listId, true);
  assert.equal(withFilters.list.filterBranch.filterBranchType, 'OR');
  assert.equal(withFilters.list.filterBranch.filterBranches[0].filters[0].property, 'lifecyclestage');

  // DYNAMIC lists are maintained by their filters: manual adds are refused.
  await apiError(client.crm.lists.membershipsApi.add(list.listId, [inside]), 400);
});

test('a DYNAMIC list with a STRING filter follows an email change', async () => {
  const client = sdk();
  const domain = `${unique('acme')}.test`;
  const ada = await contact(client, { email: `ada@${domain}` });
  const bob = await contact(client, { email: `bob@${unique('other')}.test` });
  const { list } = await client.crm.lists.listsApi.create({
    name: unique('Acme people '),
    objectTypeId: '0-1',
    processingType: 'DYNAMIC',
    filterBranch: propertyFilter('email', { operationType: 'STRING', operator: 'ENDS_WITH', value: `@${domain}` }),
  });
  const members = async () => (await client.crm.lists.membershipsApi.getPage(list.listId)).results.map((m) => m.recordId);
  assert.deepEqual(await members(), [ada]);
  await client.crm.contacts.basicApi.update(bob, { properties: { email: `bob@${domain}` } });
  await client.crm.contacts.basicApi.update(ada, { properties: { email: `ada@${unique('elsewhere')}.test` } });
  assert.deepEqual(await members(), [bob]);
});

test('listsApi.doSearch finds lists by name and processing type, with offset paging', async () => {
  const client = sdk();
  const tag = unique('alpha');
  for (const suffix of ['one', 'two']) {
    await client.crm.lists.listsApi.create({ name: `${tag} ${suffix}`, objectTypeId: '0-1', processingType: 'MANUAL' });
  }
  await client.crm.lists.listsApi.create({ name: unique('beta '), objectTypeId: '0-1', processingType: 'MANUAL' });
  await client.crm.lists.listsApi.create({
    name: `${tag} dynamic`,
    objectTypeId: '0-1',
    processingType: 'DYNAMIC',
    filterBranch: propertyFilter('email', { operationType: 'ALL_PROPERTY', operator: 'IS_KNOWN' }),
  });

  const manual = await client.crm.lists.listsApi.doSearch({ query: tag, processingTypes: ['MANUAL'], offset: 0, count: 1 });
  assert.equal(manual.total, 2);
  assert.equal(manual.hasMore, true);
  assert.equal(manual.lists.length, 1);
  assert.equal(manual.lists[0].name, `${tag} one`);
  const next = await client.crm.lists.listsApi.doSearch({ query: tag, processingTypes: ['MANUAL'], offset: manual.offset, count: 1 });
  assert.equal(next.lists[0].name, `${tag} two`);
  assert.equal(next.hasMore, false);

  const any = await client.crm.lists.listsApi.doSearch({ query: tag });
  assert.equal(any.total, 3);
});

test('listsApi.remove and restore: a deleted list is still readable with deletedAt, and gone from search', async () => {
  const client = sdk();
  const name = unique('Temporary ');
  const { list } = await client.crm.lists.listsApi.create({ name, objectTypeId: '0-1', processingType: 'MANUAL' });

  assert.equal(await client.crm.lists.listsApi.remove(list.listId), undefined, '204');
  const deleted = await client.crm.lists.listsApi.getById(list.listId);
  assert.ok(deleted.list.deletedAt instanceof Date, 'a deleted list carries deletedAt');
  assert.equal((await client.crm.lists.listsApi.doSearch({ query: name })).total, 0);
  await apiError(client.crm.lists.listsApi.getByName(name, '0-1'), 404);
  await apiError(client.crm.lists.listsApi.remove(list.listId), 404);

  assert.equal(await client.crm.lists.listsApi.restore(list.listId), undefined, '204');
  const restored = await client.crm.lists.listsApi.getByName(name, '0-1');
  assert.equal(restored.list.listId, list.listId);
  assert.equal(restored.list.deletedAt, undefined);
});

test('listsApi.create refuses a duplicate name (400) and a DYNAMIC list without filters (400)', async () => {
  const client = sdk();
  const name = unique('VIPs ');
  await client.crm.lists.listsApi.create({ name, objectTypeId: '0-1', processingType: 'MANUAL' });
  const duplicate = await apiError(client.crm.lists.listsApi.create({ name: name.toUpperCase(), objectTypeId: '0-1', processingType: 'MANUAL' }), 400);
  assert.equal(duplicate.body.category, 'VALIDATION_ERROR');
  await apiError(client.crm.lists.listsApi.create({ name: unique('Dyn '), objectTypeId: '0-1', processingType: 'DYNAMIC' }), 400);
  await apiError(client.crm.lists.listsApi.getById('999999'), 404);
});
