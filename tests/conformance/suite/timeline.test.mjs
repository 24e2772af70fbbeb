// Timeline through the SDK: event templates with a developer-key client (`new Client({ developerApiKey })`, sent as
// ?hapikey=), events with the private-app token (eventsApi create, createBatch, getById), token validation.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { apiError, developerApp, developerSdk, freshPortal, sdk, unique, uniqueEmail } from './support.mjs';

beforeEach(freshPortal);

const TOKENS = [
  { name: 'amount', label: 'Amount', type: 'number' },
  { name: 'plan', label: 'Plan', type: 'enumeration', options: [{ label: 'Basic', value: 'basic' }, { label: 'Pro', value: 'pro' }] },
  { name: 'note', label: 'Note', type: 'string' },
];

/** A contacts template created with the developer key; returns { appId, template }. */
async function webinarTemplate() {
  const { appId, developerApiKey } = await developerApp();
  const template = await developerSdk(developerApiKey).crm.timeline.templatesApi.create(appId, {
    name: unique('Webinar '),
    objectType: 'contacts',
    headerTemplate: 'Registered for {{plan}}',
    detailTemplate: 'Paid {{amount}}',
    tokens: TOKENS,
  });
  return { appId, developerApiKey, template };
}

test('templatesApi.create and getAll with a developer-key client', async () => {
  const { appId, developerApiKey, template } = await webinarTemplate();
  assert.match(template.id, /^\d+$/);
  assert.equal(template.objectType, 'contacts');
  assert.equal(template.headerTemplate, 'Registered for {{plan}}');
  assert.deepEqual(template.tokens.map((t) => t.name), ['amount', 'plan', 'note']);
  assert.deepEqual(template.tokens[1].options.map((o) => o.value), ['basic', 'pro']);
  assert.ok(template.createdAt instanceof Date, 'the SDK parses createdAt');

  const developer = developerSdk(developerApiKey);
  const all = await developer.crm.timeline.templatesApi.getAll(appId);
  assert.deepEqual(all.results.map((t) => t.id), [template.id]);
  const one = await developer.crm.timeline.templatesApi.getById(template.id, appId);
  assert.equal(one.name, template.name);
});

test('templates refuse a private-app token and a wrong developer key (401)', async () => {
  const { appId } = await developerApp();
  const withToken = await apiError(sdk().crm.timeline.templatesApi.getAll(appId), 401);
  assert.equal(withToken.body.status, 'error');
  const wrongKey = await apiError(developerSdk('not-the-key').crm.timeline.templatesApi.getAll(appId), 401);
  assert.equal(wrongKey.body.category, 'INVALID_AUTHENTICATION');
});

test('eventsApi.create on a contact, then getById', async () => {
  const { template } = await webinarTemplate();
  const client = sdk();
  const contact = (await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('tl') } })).id;
  const id = unique('evt-');
  const timestamp = new Date('2026-01-11T08:00:00.000Z');

  const created = await client.crm.timeline.eventsApi.create({
    id, eventTemplateId: template.id, objectId: contact, timestamp,
    tokens: { amount: '12.5', plan: 'pro', note: 'hello' },
    extraData: { questions: ['a', 'b'] },
  });
  assert.equal(created.id, id);
  assert.equal(created.eventTemplateId, template.id);
  assert.equal(created.objectId, contact);
  assert.equal(created.objectType, 'contacts');
  assert.equal(created.tokens.plan, 'pro');
  assert.equal(created.timestamp.toISOString(), timestamp.toISOString());
  assert.deepEqual(created.extraData, { questions: ['a', 'b'] });

  const read = await client.crm.timeline.eventsApi.getById(template.id, id);
  assert.equal(read.tokens.amount, '12.5');
  assert.equal(read.objectId, contact);
  await apiError(client.crm.timeline.eventsApi.getById(template.id, 'no-such-event'), 404);

  const again = await apiError(client.crm.timeline.eventsApi.create({ id, eventTemplateId: template.id, objectId: contact, tokens: {} }), 409);
  assert.equal(again.body.category, 'CONFLICT');
});

test('eventsApi.create by email finds or creates the contact', async () => {
  const { template } = await webinarTemplate();
  const client = sdk();
  const email = uniqueEmail('tl-new');
  const created = await client.crm.timeline.eventsApi.create({ id: unique('evt-'), eventTemplateId: template.id, email, tokens: { plan: 'basic' } });
  assert.match(created.objectId, /^\d+$/);
  const contact = await client.crm.contacts.basicApi.getById(email, ['email'], undefined, undefined, false, 'email');
  assert.equal(contact.id, created.objectId);
});

test('eventsApi.createBatch creates every event (201) and reports failures per event (207)', async () => {
  const { template } = await webinarTemplate();
  const client = sdk();
  const contact = (await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('tl-batch') } })).id;
  const [b1, b2, b3, b4] = ['b1', 'b2', 'b3', 'b4'].map((p) => unique(`${p}-`));

  const all = await client.crm.timeline.eventsApi.createBatch({
    inputs: [
      { id: b1, eventTemplateId: template.id, objectId: contact, tokens: { plan: 'basic' } },
      { id: b2, eventTemplateId: template.id, objectId: contact, tokens: {} },
    ],
  });
  assert.equal(all.status, 'COMPLETE');
  assert.deepEqual(all.results.map((e) => e.id).sort(), [b1, b2].sort());

  const mixed = await client.crm.timeline.eventsApi.createBatch({
    inputs: [
      { id: b3, eventTemplateId: template.id, objectId: contact, tokens: {} },
      { id: b4, eventTemplateId: template.id, objectId: contact, tokens: { plan: 'gold' } },
    ],
  });
  assert.deepEqual(mixed.results.map((e) => e.id), [b3]);
  assert.equal(mixed.numErrors, 1);
  assert.equal((await client.crm.timeline.eventsApi.getById(template.id, b3)).id, b3);
  await apiError(client.crm.timeline.eventsApi.getById(template.id, b4), 404);
});

test('token values are validated against the template (400 VALIDATION_ERROR naming the token)', async () => {
  const { template } = await webinarTemplate();
  const client = sdk();
  const contact = (await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('tl-bad') } })).id;
  const cases = [['amount', 'lots'], ['plan', 'enterprise'], ['undeclared', 'x']];
  for (const [token, value] of cases) {
    const id = unique('bad-');
    const e = await apiError(client.crm.timeline.eventsApi.create({ id, eventTemplateId: template.id, objectId: contact, tokens: { [token]: value } }), 400);
    assert.equal(e.body.category, 'VALIDATION_ERROR');
    assert.ok(e.body.message.includes(`"${token}"`), `the message names ${token}: ${e.body.message}`);
    await apiError(client.crm.timeline.eventsApi.getById(template.id, id), 404);
  }
});
