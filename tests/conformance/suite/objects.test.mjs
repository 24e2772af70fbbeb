// Companies, deals and tickets: the same CRUD flows through their own SDK modules, with their required properties.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { apiError, assertRecordId, freshPortal, sdk, unique } from './support.mjs';

beforeEach(freshPortal);

test('companies create/getById/update/getPage/archive', async () => {
  const client = sdk();
  const name = unique('Acme ');
  const domain = `${unique('acme')}.example.com`;
  const created = await client.crm.companies.basicApi.create({ properties: { name, domain, industry: 'COMPUTER_SOFTWARE' } });
  assertRecordId(created.id);
  assert.equal(created.properties.name, name);
  assert.equal(created.properties.domain, domain);

  const read = await client.crm.companies.basicApi.getById(created.id, ['name', 'domain', 'city']);
  assert.equal(read.properties.name, name);

  const updated = await client.crm.companies.basicApi.update(created.id, { properties: { city: 'Cambridge' } });
  assert.equal(updated.properties.city, 'Cambridge');

  const page = await client.crm.companies.basicApi.getPage(10, undefined, ['name']);
  assert.ok(page.results.some((c) => c.id === created.id && c.properties.name === name));

  await client.crm.companies.basicApi.archive(created.id);
  await apiError(client.crm.companies.basicApi.getById(created.id), 404);
});

test('deals create in pipeline "default" stage "contractsent", then update, read and archive', async () => {
  const client = sdk();
  const dealname = unique('Deal ');
  const created = await client.crm.deals.basicApi.create({
    properties: { dealname, amount: '1500', pipeline: 'default', dealstage: 'contractsent', closedate: '2026-12-31' },
  });
  assertRecordId(created.id);
  assert.equal(created.properties.dealname, dealname);
  assert.equal(created.properties.pipeline, 'default');
  assert.equal(created.properties.dealstage, 'contractsent');
  assert.equal(created.properties.amount, '1500');

  const updated = await client.crm.deals.basicApi.update(created.id, { properties: { dealstage: 'closedwon' } });
  assert.equal(updated.properties.dealstage, 'closedwon');

  const read = await client.crm.deals.basicApi.getById(created.id, ['dealname', 'dealstage', 'pipeline', 'amount']);
  assert.equal(read.properties.dealstage, 'closedwon');
  assert.equal(read.properties.pipeline, 'default');

  await client.crm.deals.basicApi.archive(created.id);
  await apiError(client.crm.deals.basicApi.getById(created.id), 404);
});

test('tickets create in pipeline "0" stage "1", then update, read and archive', async () => {
  const client = sdk();
  const subject = unique('Printer on fire ');
  const created = await client.crm.tickets.basicApi.create({
    properties: { subject, content: 'Smoke everywhere', hs_pipeline: '0', hs_pipeline_stage: '1', hs_ticket_priority: 'HIGH' },
  });
  assertRecordId(created.id);
  assert.equal(created.properties.subject, subject);
  assert.equal(created.properties.hs_pipeline, '0');
  assert.equal(created.properties.hs_pipeline_stage, '1');
  assert.equal(created.properties.hs_ticket_priority, 'HIGH');

  const updated = await client.crm.tickets.basicApi.update(created.id, { properties: { hs_pipeline_stage: '4' } });
  assert.equal(updated.properties.hs_pipeline_stage, '4');

  const read = await client.crm.tickets.basicApi.getById(created.id);
  assert.equal(read.properties.subject, subject, 'subject is a default ticket property');
  assert.equal(read.properties.hs_pipeline_stage, '4');

  await client.crm.tickets.basicApi.archive(created.id);
  await apiError(client.crm.tickets.basicApi.getById(created.id), 404);
});

test('objects basicApi reaches standard objects by name through the generic module', async () => {
  const client = sdk();
  const created = await client.crm.objects.basicApi.create('companies', { properties: { name: unique('Generic ') } });
  const read = await client.crm.objects.basicApi.getById('0-2', created.id, ['name']);
  assert.equal(read.properties.name, created.properties.name);
});
