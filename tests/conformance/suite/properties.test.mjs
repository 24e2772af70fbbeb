// Property definitions and groups through client.crm.properties (coreApi, groupsApi).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { apiError, assertErrorBody, freshPortal, sdk, unique, uniqueEmail } from './support.mjs';

beforeEach(freshPortal);

const colorProperty = (name) => ({
  name,
  label: 'Favorite color',
  type: 'enumeration',
  fieldType: 'select',
  groupName: 'contactinformation',
  description: 'The color a contact likes best',
  options: [
    { label: 'Red', value: 'red', displayOrder: 0, hidden: false },
    { label: 'Blue', value: 'blue', displayOrder: 1, hidden: false },
  ],
});

test('properties coreApi.getAll lists HubSpot-defined contact properties with their types', async () => {
  const client = sdk();
  const res = await client.crm.properties.coreApi.getAll('contacts');
  assert.ok(Array.isArray(res.results) && res.results.length > 10, 'a portal starts with many contact properties');
  const email = res.results.find((p) => p.name === 'email');
  assert.ok(email, 'email is a contact property');
  assert.equal(email.type, 'string');
  assert.equal(email.fieldType, 'text');
  assert.equal(email.hubspotDefined, true);
  assert.equal(typeof email.groupName, 'string');
  const lifecycle = res.results.find((p) => p.name === 'lifecyclestage');
  assert.equal(lifecycle.type, 'enumeration');
  assert.ok(lifecycle.options.some((o) => o.value === 'lead'), 'lifecycle stage options use internal values');
});

test('properties coreApi.getAll for deals includes pipeline and dealstage enumerations', async () => {
  const client = sdk();
  const res = await client.crm.properties.coreApi.getAll('deals');
  const names = new Set(res.results.map((p) => p.name));
  for (const name of ['dealname', 'amount', 'pipeline', 'dealstage', 'closedate']) {
    assert.ok(names.has(name), `deals have ${name}`);
  }
  assert.equal(res.results.find((p) => p.name === 'amount').type, 'number');
  assert.equal(res.results.find((p) => p.name === 'dealstage').type, 'enumeration');
});

test('properties coreApi.create returns the new property definition', async () => {
  const client = sdk();
  const name = unique('favorite_color_');
  const created = await client.crm.properties.coreApi.create('contacts', colorProperty(name));
  assert.equal(created.name, name);
  assert.equal(created.label, 'Favorite color');
  assert.equal(created.type, 'enumeration');
  assert.equal(created.fieldType, 'select');
  assert.equal(created.groupName, 'contactinformation');
  assert.deepEqual(created.options.map((o) => o.value), ['red', 'blue']);
  assert.equal(created.hubspotDefined ?? false, false, 'a custom property is not HubSpot-defined');
  assert.ok(created.createdAt instanceof Date);
});

test('properties coreApi.getByName reads a created property', async () => {
  const client = sdk();
  const name = unique('favorite_color_');
  await client.crm.properties.coreApi.create('contacts', colorProperty(name));
  const read = await client.crm.properties.coreApi.getByName('contacts', name);
  assert.equal(read.name, name);
  assert.equal(read.type, 'enumeration');
  assert.deepEqual(read.options.map((o) => o.label), ['Red', 'Blue']);
});

test('properties coreApi.update changes the label and options', async () => {
  const client = sdk();
  const name = unique('favorite_color_');
  await client.crm.properties.coreApi.create('contacts', colorProperty(name));
  const updated = await client.crm.properties.coreApi.update('contacts', name, {
    label: 'Preferred color',
    options: [
      { label: 'Red', value: 'red', displayOrder: 0, hidden: false },
      { label: 'Blue', value: 'blue', displayOrder: 1, hidden: false },
      { label: 'Green', value: 'green', displayOrder: 2, hidden: false },
    ],
  });
  assert.equal(updated.name, name);
  assert.equal(updated.label, 'Preferred color');
  assert.deepEqual(updated.options.map((o) => o.value), ['red', 'blue', 'green']);
  const read = await client.crm.properties.coreApi.getByName('contacts', name);
  assert.equal(read.label, 'Preferred color');
});

test('properties coreApi.archive removes the property (getByName is then a 404)', async () => {
  const client = sdk();
  const name = unique('favorite_color_');
  await client.crm.properties.coreApi.create('contacts', colorProperty(name));
  const result = await client.crm.properties.coreApi.archive('contacts', name);
  assert.equal(result, undefined);
  const e = await apiError(client.crm.properties.coreApi.getByName('contacts', name), 404);
  assertErrorBody(e.body);
  const all = await client.crm.properties.coreApi.getAll('contacts');
  assert.ok(!all.results.some((p) => p.name === name), 'an archived property is not listed');
});

test('a created enumeration property accepts its options on records and rejects others', async () => {
  const client = sdk();
  const name = unique('favorite_color_');
  await client.crm.properties.coreApi.create('contacts', colorProperty(name));
  const contact = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('color'), [name]: 'blue' } });
  const read = await client.crm.contacts.basicApi.getById(contact.id, [name]);
  assert.equal(read.properties[name], 'blue');
  const e = await apiError(client.crm.contacts.basicApi.update(contact.id, { properties: { [name]: 'purple' } }), 400);
  assertErrorBody(e.body, 'VALIDATION_ERROR');
});

test('properties groupsApi create/getByName/update/getAll/archive', async () => {
  const client = sdk();
  const name = unique('integration_');
  const created = await client.crm.properties.groupsApi.create('contacts', { name, label: 'Integration', displayOrder: 5 });
  assert.equal(created.name, name);
  assert.equal(created.label, 'Integration');

  const read = await client.crm.properties.groupsApi.getByName('contacts', name);
  assert.equal(read.label, 'Integration');

  const updated = await client.crm.properties.groupsApi.update('contacts', name, { label: 'Our integration' });
  assert.equal(updated.label, 'Our integration');

  const all = await client.crm.properties.groupsApi.getAll('contacts');
  assert.ok(all.results.some((g) => g.name === name && g.label === 'Our integration'));
  assert.ok(all.results.some((g) => g.name === 'contactinformation'), 'HubSpot groups are listed too');

  await client.crm.properties.groupsApi.archive('contacts', name);
  await apiError(client.crm.properties.groupsApi.getByName('contacts', name), 404);
});
