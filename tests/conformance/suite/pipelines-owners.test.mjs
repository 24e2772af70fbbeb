// Pipelines (client.crm.pipelines) and owners (client.crm.owners): the reference data integrations look up.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { admin, apiError, freshPortal, sdk, unique } from './support.mjs';

beforeEach(freshPortal);

test('pipelines pipelinesApi.getAll("deals") returns the default Sales Pipeline and its stages', async () => {
  const client = sdk();
  const res = await client.crm.pipelines.pipelinesApi.getAll('deals');
  const sales = res.results.find((p) => p.id === 'default');
  assert.ok(sales, 'the default deal pipeline exists');
  assert.equal(sales.label, 'Sales Pipeline');
  assert.equal(sales.archived, false);
  const stageIds = sales.stages.map((s) => s.id);
  for (const id of ['appointmentscheduled', 'qualifiedtobuy', 'contractsent', 'closedwon', 'closedlost']) {
    assert.ok(stageIds.includes(id), `stage ${id}`);
  }
  const contractSent = sales.stages.find((s) => s.id === 'contractsent');
  assert.equal(contractSent.metadata.probability, '0.9');
  assert.equal(sales.stages.find((s) => s.id === 'closedwon').metadata.isClosed, 'true');
  assert.ok(sales.createdAt instanceof Date);
});

test('pipelines pipelinesApi.getAll("tickets") returns the Support Pipeline "0" with stages 1-4', async () => {
  const client = sdk();
  const res = await client.crm.pipelines.pipelinesApi.getAll('tickets');
  const support = res.results.find((p) => p.id === '0');
  assert.ok(support, 'the default ticket pipeline exists');
  assert.deepEqual(support.stages.map((s) => s.id), ['1', '2', '3', '4']);
  assert.equal(support.stages.find((s) => s.id === '4').metadata.ticketState, 'CLOSED');
});

test('pipelines pipelinesApi.create makes a deal pipeline whose stages deals can use', async () => {
  const client = sdk();
  const label = unique('Partner pipeline ');
  const created = await client.crm.pipelines.pipelinesApi.create('deals', {
    label,
    displayOrder: 1,
    stages: [
      { label: 'Introduced', displayOrder: 0, metadata: { probability: '0.1' } },
      { label: 'Signed', displayOrder: 1, metadata: { probability: '1.0', isClosed: 'true' } },
    ],
  });
  assert.equal(typeof created.id, 'string');
  assert.notEqual(created.id, 'default');
  assert.equal(created.label, label);
  assert.deepEqual(created.stages.map((s) => s.label), ['Introduced', 'Signed']);
  created.stages.forEach((s) => assert.equal(typeof s.id, 'string'));

  const read = await client.crm.pipelines.pipelinesApi.getById('deals', created.id);
  assert.equal(read.label, label);

  const [introduced] = created.stages;
  const deal = await client.crm.deals.basicApi.create({
    properties: { dealname: unique('Partner deal '), pipeline: created.id, dealstage: introduced.id },
  });
  assert.equal(deal.properties.pipeline, created.id);
  assert.equal(deal.properties.dealstage, introduced.id);
});

test('pipelines pipelineStagesApi.create adds a stage to a pipeline', async () => {
  const client = sdk();
  const pipeline = await client.crm.pipelines.pipelinesApi.create('deals', {
    label: unique('Stages pipeline '), displayOrder: 2,
    stages: [{ label: 'Open', displayOrder: 0, metadata: { probability: '0.2' } }],
  });
  const stage = await client.crm.pipelines.pipelineStagesApi.create('deals', pipeline.id, {
    label: 'Negotiation', displayOrder: 1, metadata: { probability: '0.5' },
  });
  assert.equal(stage.label, 'Negotiation');
  assert.equal(stage.metadata.probability, '0.5');
  const stages = await client.crm.pipelines.pipelineStagesApi.getAll('deals', pipeline.id);
  assert.deepEqual(stages.results.map((s) => s.label), ['Open', 'Negotiation']);
});

test('pipelines pipelinesApi.getById of an unknown pipeline is a 404', async () => {
  const client = sdk();
  await apiError(client.crm.pipelines.pipelinesApi.getById('deals', 'no-such-pipeline'), 404);
});

test('owners ownersApi.getPage lists the portal owners', async () => {
  const client = sdk();
  const res = await client.crm.owners.ownersApi.getPage();
  assert.ok(res.results.length > 0, 'a portal has at least one owner');
  for (const owner of res.results) {
    assert.match(owner.id, /^\d+$/);
    assert.equal(typeof owner.email, 'string');
    assert.equal(owner.type, 'PERSON');
    assert.equal(owner.archived, false);
    assert.equal(typeof owner.userId, 'number');
    assert.ok(owner.createdAt instanceof Date);
  }
});

test('owners ownersApi.getPage filters by email and getById finds the owner', async () => {
  const client = sdk();
  const [first] = (await client.crm.owners.ownersApi.getPage()).results;
  const filtered = await client.crm.owners.ownersApi.getPage(first.email);
  assert.deepEqual(filtered.results.map((o) => o.id), [first.id]);
  const read = await client.crm.owners.ownersApi.getById(Number(first.id));
  assert.equal(read.email, first.email);
});

test('owners: a deactivated owner comes back from getPage(archived) with userId null and userIdIncludingInactive set', async () => {
  const client = sdk();
  const created = await admin('POST', '/owners', { email: `${unique('leaver')}@example.com` });
  await admin('DELETE', `/owners/${created.id}`);
  const res = await client.crm.owners.ownersApi.getPage(undefined, undefined, 100, true);
  const leaver = res.results.find((o) => o.id === created.id);
  assert.ok(leaver, 'the deactivated owner is listed with archived=true');
  assert.equal(leaver.archived, true);
  assert.equal(leaver.userId, null);
  assert.equal(leaver.userIdIncludingInactive, created.userId);
  const read = await client.crm.owners.ownersApi.getById(Number(created.id), 'id', true);
  assert.equal(read.userId, null);
  assert.equal(read.userIdIncludingInactive, created.userId);
});

test('owners: hubspot_owner_id takes an owner id on records', async () => {
  const client = sdk();
  const [owner] = (await client.crm.owners.ownersApi.getPage()).results;
  const company = await client.crm.companies.basicApi.create({ properties: { name: unique('Owned '), hubspot_owner_id: owner.id } });
  assert.equal(company.properties.hubspot_owner_id, owner.id);
});
