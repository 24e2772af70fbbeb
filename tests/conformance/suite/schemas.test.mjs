// Custom objects: a schema through client.crm.schemas.coreApi, then its records through client.crm.objects.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { admin, apiError, assertRecordId, freshPortal, sdk } from './support.mjs';

beforeEach(freshPortal);

const projectsSchema = {
  name: 'projects',
  description: 'Client projects',
  labels: { singular: 'Project', plural: 'Projects' },
  primaryDisplayProperty: 'project_name',
  secondaryDisplayProperties: ['budget'],
  searchableProperties: ['project_name'],
  requiredProperties: ['project_name'],
  properties: [
    { name: 'project_name', label: 'Project name', type: 'string', fieldType: 'text' },
    { name: 'budget', label: 'Budget', type: 'number', fieldType: 'number' },
    { name: 'project_code', label: 'Project code', type: 'string', fieldType: 'text', hasUniqueValue: true },
  ],
  associatedObjects: ['CONTACT', 'COMPANY'],
};

async function portalId() {
  return (await admin('GET', '/health')).portalId;
}

test('schemas coreApi.create returns the object type id and fully qualified name', async () => {
  const client = sdk();
  const schema = await client.crm.schemas.coreApi.create(projectsSchema);
  assert.match(schema.objectTypeId, /^2-\d+$/);
  assert.equal(schema.name, 'projects');
  assert.equal(schema.fullyQualifiedName, `p${await portalId()}_projects`);
  assert.deepEqual({ ...schema.labels }, { singular: 'Project', plural: 'Projects' });
  assert.equal(schema.primaryDisplayProperty, 'project_name');
  assert.deepEqual(schema.requiredProperties, ['project_name']);
  const names = schema.properties.map((p) => p.name);
  assert.ok(names.includes('project_name') && names.includes('budget'), 'the schema lists its properties');
  assert.equal(typeof schema.id, 'string');
});

test('schemas coreApi.getAll lists a created schema', async () => {
  const client = sdk();
  const created = await client.crm.schemas.coreApi.create(projectsSchema);
  const all = await client.crm.schemas.coreApi.getAll();
  const found = all.results.find((s) => s.objectTypeId === created.objectTypeId);
  assert.ok(found, 'the new schema is listed');
  assert.equal(found.name, 'projects');
});

test('schemas coreApi.getById accepts the object type id, p_name and the fully qualified name', async () => {
  const client = sdk();
  const created = await client.crm.schemas.coreApi.create(projectsSchema);
  for (const key of [created.objectTypeId, 'p_projects', created.fullyQualifiedName]) {
    const read = await client.crm.schemas.coreApi.getById(key);
    assert.equal(read.objectTypeId, created.objectTypeId, `getById(${key})`);
    assert.equal(read.name, 'projects');
  }
});

test('custom object records: create via p_name, read via 2-N, update, list, archive', async () => {
  const client = sdk();
  const schema = await client.crm.schemas.coreApi.create(projectsSchema);
  const created = await client.crm.objects.basicApi.create('p_projects', {
    properties: { project_name: 'Apollo', budget: '25000', project_code: 'AP-11' },
  });
  assertRecordId(created.id);
  assert.equal(created.properties.project_name, 'Apollo');

  const read = await client.crm.objects.basicApi.getById(schema.objectTypeId, created.id, ['project_name', 'budget']);
  assert.equal(read.properties.project_name, 'Apollo');
  assert.equal(read.properties.budget, '25000');

  const updated = await client.crm.objects.basicApi.update(schema.objectTypeId, created.id, { properties: { budget: '30000' } });
  assert.equal(updated.properties.budget, '30000');

  const byCode = await client.crm.objects.basicApi.getById('p_projects', 'AP-11', ['project_name'], undefined, undefined, false, 'project_code');
  assert.equal(byCode.id, created.id, 'a unique custom property works as idProperty');

  const page = await client.crm.objects.basicApi.getPage(schema.fullyQualifiedName, 10, undefined, ['project_name']);
  assert.deepEqual(page.results.map((r) => r.properties.project_name), ['Apollo']);

  await client.crm.objects.basicApi.archive('p_projects', created.id);
  await apiError(client.crm.objects.basicApi.getById(schema.objectTypeId, created.id), 404);
});

test('custom object records: batch create and read through client.crm.objects.batchApi', async () => {
  const client = sdk();
  const schema = await client.crm.schemas.coreApi.create(projectsSchema);
  const created = await client.crm.objects.batchApi.create(schema.objectTypeId, {
    inputs: ['Gemini', 'Mercury'].map((project_name) => ({ properties: { project_name }, associations: [] })),
  });
  assert.equal(created.status, 'COMPLETE');
  assert.equal(created.results.length, 2);
  const read = await client.crm.objects.batchApi.read('p_projects', {
    inputs: created.results.map((r) => ({ id: r.id })), properties: ['project_name'], propertiesWithHistory: [],
  });
  assert.deepEqual(new Set(read.results.map((r) => r.properties.project_name)), new Set(['Gemini', 'Mercury']));
});
