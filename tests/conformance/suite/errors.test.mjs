// Errors as a user of the SDK sees them: ApiException with e.code (HTTP status) and e.body (HubSpot's error body).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { apiError, assertErrorBody, freshPortal, sdk, tokenWithScopes, unique, uniqueEmail } from './support.mjs';

beforeEach(freshPortal);

test('401 INVALID_AUTHENTICATION with a token the portal does not know', async () => {
  const client = sdk({ accessToken: 'pat-na1-00000000-0000-0000-0000-000000000000' });
  const e = await apiError(client.crm.contacts.basicApi.getPage(10), 401);
  assertErrorBody(e.body, 'INVALID_AUTHENTICATION');
  assert.match(e.body.message, /Authentication credentials not found/);
});

test('403 MISSING_SCOPES names the scope a token lacks', async () => {
  const readContacts = await tokenWithScopes(['crm.objects.contacts.read']);
  const client = sdk({ accessToken: readContacts });
  const page = await client.crm.contacts.basicApi.getPage(10);
  assert.ok(Array.isArray(page.results), 'the granted scope works');

  const e = await apiError(client.crm.companies.basicApi.getPage(10), 403);
  assertErrorBody(e.body, 'MISSING_SCOPES');
  assert.match(e.body.message, /hasn't been granted all required scopes/);
  const required = e.body.errors?.[0]?.context?.requiredGranularScopes ?? [];
  assert.ok(required.includes('crm.objects.companies.read'), `requiredGranularScopes ${JSON.stringify(required)}`);
});

test('403 MISSING_SCOPES on a write with a read-only token', async () => {
  const client = sdk({ accessToken: await tokenWithScopes(['crm.objects.contacts.read']) });
  const e = await apiError(client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('ro') } }), 403);
  assertErrorBody(e.body, 'MISSING_SCOPES');
  const required = e.body.errors?.[0]?.context?.requiredGranularScopes ?? [];
  assert.ok(required.includes('crm.objects.contacts.write'), `requiredGranularScopes ${JSON.stringify(required)}`);
});

test('404 OBJECT_NOT_FOUND on getById of a missing id', async () => {
  const client = sdk();
  const e = await apiError(client.crm.contacts.basicApi.getById('999999999'), 404);
  assertErrorBody(e.body, 'OBJECT_NOT_FOUND');
});

test('409 CONFLICT creating a contact with an email that exists, naming the existing id', async () => {
  const client = sdk();
  const email = uniqueEmail('dup');
  const existing = await client.crm.contacts.basicApi.create({ properties: { email } });
  const e = await apiError(client.crm.contacts.basicApi.create({ properties: { email, firstname: 'Again' } }), 409);
  assertErrorBody(e.body, 'CONFLICT');
  assert.equal(e.body.message, `Contact already exists. Existing ID: ${existing.id}`);
});

test('400 VALIDATION_ERROR for a value a number property cannot hold', async () => {
  const client = sdk();
  const e = await apiError(client.crm.deals.basicApi.create({
    properties: { dealname: unique('Bad amount '), amount: 'lots', dealstage: 'appointmentscheduled' },
  }), 400);
  assertErrorBody(e.body, 'VALIDATION_ERROR');
  assert.match(e.body.message, /^Property values were not valid: /);
  const problems = JSON.parse(e.body.message.slice('Property values were not valid: '.length));
  assert.equal(problems[0].name, 'amount');
  assert.equal(problems[0].isValid, false);
});

test('400 VALIDATION_ERROR PROPERTY_DOESNT_EXIST for an unknown property', async () => {
  const client = sdk();
  const e = await apiError(client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('x'), no_such_property: '1' } }), 400);
  assertErrorBody(e.body, 'VALIDATION_ERROR');
  const problems = JSON.parse(e.body.message.slice('Property values were not valid: '.length));
  assert.equal(problems[0].error, 'PROPERTY_DOESNT_EXIST');
  assert.equal(problems[0].name, 'no_such_property');
});

test('400 VALIDATION_ERROR for a deal stage outside the pipeline', async () => {
  const client = sdk();
  const e = await apiError(client.crm.deals.basicApi.create({
    properties: { dealname: unique('Bad stage '), pipeline: 'default', dealstage: 'nosuchstage' },
  }), 400);
  assertErrorBody(e.body, 'VALIDATION_ERROR');
});

test('400 VALIDATION_ERROR updating a contact to an email another contact holds', async () => {
  const client = sdk();
  const taken = uniqueEmail('taken');
  const holder = await client.crm.contacts.basicApi.create({ properties: { email: taken } });
  const other = await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('other') } });
  const e = await apiError(client.crm.contacts.basicApi.update(other.id, { properties: { email: taken } }), 400);
  assertErrorBody(e.body, 'VALIDATION_ERROR');
  assert.match(e.body.message, new RegExp(`${holder.id} already has that value`));
});

test('400 for an unknown object type through the generic objects API', async () => {
  const client = sdk();
  const e = await apiError(client.crm.objects.basicApi.getPage('no_such_objects', 10), 400);
  assertErrorBody(e.body);
  assert.match(e.body.message, /no_such_objects/);
});
