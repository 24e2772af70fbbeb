// CRM search through searchApi.doSearch: the filters, sorts, free-text query and paging integrations rely on.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { createContacts, freshPortal, letSearchIndexCatchUp, sdk, unique } from './support.mjs';

beforeEach(freshPortal);

async function contactsNamed(client, marker, count) {
  const created = await createContacts(client, Array.from({ length: count }, (_, n) => ({
    email: `${marker}-${n}@example.com`, firstname: `First${n}`, lastname: marker,
  })));
  await letSearchIndexCatchUp();
  return created;
}

test('contacts searchApi.doSearch with EQ on email finds exactly that contact', async () => {
  const client = sdk();
  const marker = unique('eq');
  const created = await contactsNamed(client, marker, 3);
  const res = await client.crm.contacts.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: `${marker}-1@example.com` }] }],
    properties: ['email', 'firstname'],
    limit: 10,
  });
  assert.equal(res.total, 1);
  assert.equal(res.results.length, 1);
  assert.equal(res.results[0].id, created[1].id);
  assert.equal(res.results[0].properties.email, `${marker}-1@example.com`);
  assert.equal(res.results[0].properties.firstname, 'First1');
  assert.equal(res.paging, undefined);
});

test('contacts searchApi.doSearch with IN matches any of the values', async () => {
  const client = sdk();
  const marker = unique('in');
  await contactsNamed(client, marker, 4);
  const res = await client.crm.contacts.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'email', operator: 'IN', values: [`${marker}-0@example.com`, `${marker}-3@example.com`] }] }],
    properties: ['email'],
    limit: 10,
  });
  assert.equal(res.total, 2);
  assert.deepEqual(new Set(res.results.map((r) => r.properties.email)), new Set([`${marker}-0@example.com`, `${marker}-3@example.com`]));
});

test('deals searchApi.doSearch with a GTE/LTE range on amount, sorted DESCENDING', async () => {
  const client = sdk();
  const marker = unique('range');
  for (const amount of ['50', '100', '200', '300', '400']) {
    await client.crm.deals.basicApi.create({
      properties: { dealname: `${marker} ${amount}`, amount, pipeline: 'default', dealstage: 'appointmentscheduled' },
    });
  }
  await letSearchIndexCatchUp();
  const res = await client.crm.deals.searchApi.doSearch({
    filterGroups: [{
      filters: [
        { propertyName: 'amount', operator: 'GTE', value: '100' },
        { propertyName: 'amount', operator: 'LTE', value: '300' },
      ],
    }],
    sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }],
    properties: ['dealname', 'amount'],
    limit: 10,
  });
  assert.equal(res.total, 3);
  assert.deepEqual(res.results.map((r) => r.properties.amount), ['300', '200', '100']);
});

test('deals searchApi.doSearch with BETWEEN keeps values inside the range', async () => {
  const client = sdk();
  const marker = unique('between');
  // Whether the bounds themselves match is UNVERIFIED (fact sheet §6), so no value sits on a bound.
  for (const amount of ['5', '12', '15', '18', '25']) {
    await client.crm.deals.basicApi.create({ properties: { dealname: `${marker} ${amount}`, amount, dealstage: 'qualifiedtobuy' } });
  }
  await letSearchIndexCatchUp();
  const res = await client.crm.deals.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'BETWEEN', value: '10', highValue: '20' }] }],
    sorts: [{ propertyName: 'amount', direction: 'ASCENDING' }],
    properties: ['amount'],
    limit: 10,
  });
  assert.deepEqual(res.results.map((r) => r.properties.amount), ['12', '15', '18']);
});

test('contacts searchApi.doSearch with query matches default searchable properties', async () => {
  const client = sdk();
  const marker = unique('q');
  const other = unique('other');
  const [target] = await createContacts(client, [
    { email: `${unique('x')}@example.com`, firstname: 'Query', lastname: marker },
    { email: `${unique('y')}@example.com`, firstname: 'Query', lastname: other },
  ]);
  await letSearchIndexCatchUp();
  const res = await client.crm.contacts.searchApi.doSearch({ query: marker, properties: ['lastname'], limit: 10 });
  assert.equal(res.total, 1);
  assert.equal(res.results[0].id, target.id);
  assert.equal(res.results[0].properties.lastname, marker);
});

test('contacts searchApi.doSearch pages with after and reports the total', async () => {
  const client = sdk();
  const marker = unique('paging');
  const created = await contactsNamed(client, marker, 5);
  const request = (after) => client.crm.contacts.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'lastname', operator: 'EQ', value: marker }] }],
    properties: ['email'],
    limit: 2,
    after,
  });
  const first = await request(undefined);
  assert.equal(first.total, 5);
  assert.equal(first.results.length, 2);
  assert.equal(typeof first.paging?.next?.after, 'string');
  const seen = [...first.results];
  let after = first.paging.next.after;
  for (let guard = 0; after && guard < 10; guard++) {
    const page = await request(after);
    assert.equal(page.total, 5, 'every page reports the same total');
    seen.push(...page.results);
    after = page.paging?.next?.after;
  }
  assert.deepEqual(seen.map((r) => r.id), created.map((c) => c.id), 'all five, oldest first, none twice');
});

test('contacts searchApi.doSearch ORs filter groups and ANDs filters within a group', async () => {
  const client = sdk();
  const marker = unique('or');
  await contactsNamed(client, marker, 4);
  const res = await client.crm.contacts.searchApi.doSearch({
    filterGroups: [
      { filters: [{ propertyName: 'lastname', operator: 'EQ', value: marker }, { propertyName: 'firstname', operator: 'EQ', value: 'First0' }] },
      { filters: [{ propertyName: 'email', operator: 'EQ', value: `${marker}-3@example.com` }] },
    ],
    properties: ['firstname'],
    limit: 10,
  });
  assert.equal(res.total, 2);
  assert.deepEqual(new Set(res.results.map((r) => r.properties.firstname)), new Set(['First0', 'First3']));
});
