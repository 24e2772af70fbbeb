// Imports and exports through the SDK: client.crm.imports.coreApi (create with a multipart file, getById, getPage,
// cancel) and publicImportsApi.getErrors; client.crm.exports.publicExportsApi (start, getStatus) and the download
// link, fetched without a token as an integration fetches HubSpot's pre-signed file URL.
// The pinned SDK cannot serialize publicExportsApi.start's body (its PublicExportRequest is a oneOf class without an
// attribute map: "typeMap[type].getAttributeTypeMap is not a function", before any request is sent), so the export is
// started with the SDK's generic client.apiRequest, as an integration on this SDK version has to; getStatus is the SDK's.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { apiError, freshPortal, sdk, unique, uniqueEmail } from './support.mjs';

beforeEach(freshPortal);

/** The importRequest an integration sends for a contacts CSV (email matches, firstname and lifecyclestage set). */
function contactsImport(name, fileName) {
  return JSON.stringify({
    name,
    importOperations: { '0-1': 'UPSERT' },
    dateFormat: 'MONTH_DAY_YEAR',
    files: [{
      fileName,
      fileFormat: 'CSV',
      fileImportPage: {
        hasHeader: true,
        columnMappings: [
          { columnObjectTypeId: '0-1', columnName: 'Email', propertyName: 'email', columnType: 'HUBSPOT_ALTERNATE_ID' },
          { columnObjectTypeId: '0-1', columnName: 'First Name', propertyName: 'firstname' },
          { columnObjectTypeId: '0-1', columnName: 'Stage', propertyName: 'lifecyclestage' },
        ],
      },
    }],
  });
}

/** Polls a getter until `done(value)` holds, a bounded number of times, yielding between polls. */
async function until(get, done) {
  for (let i = 0; i < 2000; i++) {
    const value = await get();
    if (done(value)) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the job did not finish within 2000 polls');
}

test('coreApi.create imports a CSV in the background; getById ends DONE with counters; getErrors lists the bad rows', async () => {
  const client = sdk();
  const good = uniqueEmail('imp');
  const csv = `Email,First Name,Stage\n${good},Ada,Customer\nnot-an-email,Bob,lead\n${uniqueEmail('imp')},Cy,astronaut\n`;
  const name = unique('Import ');
  const started = await client.crm.imports.coreApi.create({ data: Buffer.from(csv), name: 'contacts.csv' }, contactsImport(name, 'contacts.csv'));
  assert.match(started.id, /^\d+$/);
  assert.ok(['STARTED', 'PROCESSING', 'DONE'].includes(started.state), started.state);
  assert.ok(started.createdAt instanceof Date);
  assert.deepEqual(started.mappedObjectTypeIds, ['0-1']);

  const done = await until(() => client.crm.imports.coreApi.getById(Number(started.id)), (i) => ['DONE', 'FAILED', 'CANCELED'].includes(i.state));
  assert.equal(done.state, 'DONE');
  assert.equal(done.importName, name);
  assert.equal(done.metadata.counters.TOTAL_ROWS, 3);
  assert.equal(done.metadata.counters.CREATED_OBJECTS, 1);
  assert.equal(done.metadata.counters.ERRORS, 2);

  const errors = await client.crm.imports.publicImportsApi.getErrors(Number(done.id), undefined, 10, true, true);
  assert.deepEqual(errors.results.map((e) => e.errorType), ['INVALID_EMAIL', 'INVALID_ENUMERATION_OPTION']);
  assert.equal(errors.results[0].sourceData.lineNumber, 3);
  assert.deepEqual(errors.results[0].sourceData.rowData, ['not-an-email', 'Bob', 'lead']);

  const contact = await client.crm.contacts.basicApi.getById(good, ['firstname', 'lifecyclestage'], undefined, undefined, false, 'email');
  assert.equal(contact.properties.firstname, 'Ada');
  assert.equal(contact.properties.lifecyclestage, 'customer', 'the label Customer was imported as its value');

  const page = await client.crm.imports.coreApi.getPage(undefined, undefined, 10);
  assert.deepEqual(page.results.map((i) => i.id), [done.id]);

  const cancel = await client.crm.imports.coreApi.cancel(Number(done.id));
  assert.equal(cancel.status, 'COMPLETE');
  assert.equal((await client.crm.imports.coreApi.getById(Number(done.id))).state, 'DONE', 'a finished import stays DONE');
});

test('coreApi.create with malformed CSV is a 400 the SDK raises as ApiException', async () => {
  const client = sdk();
  const { body } = await apiError(
    client.crm.imports.coreApi.create({ data: Buffer.from('Email,First Name,Stage\n"unclosed,A,lead\n'), name: 'bad.csv' }, contactsImport('Bad', 'bad.csv')),
    400);
  assert.equal(body.category, 'VALIDATION_ERROR');
  assert.match(body.message, /not valid CSV/);
});

test('publicExportsApi.start answers a task; getStatus turns COMPLETE with a link that downloads the CSV without a token', async () => {
  const client = sdk();
  const company = unique('Firm');
  for (const firstname of ['Ada', 'Bob']) {
    await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('exp'), firstname, company } });
  }
  await client.crm.contacts.basicApi.create({ properties: { email: uniqueEmail('exp'), firstname: 'Other' } });

  const startExport = async (body) => {
    const response = await client.apiRequest({ method: 'POST', path: '/crm/v3/exports/export/async', body });
    return { status: response.status, body: await response.json() };
  };
  const started = await startExport({
    exportType: 'VIEW',
    exportName: 'Firm contacts',
    format: 'CSV',
    language: 'EN',
    objectType: 'CONTACT',
    objectProperties: ['firstname', 'company'],
    exportInternalValuesOptions: ['NAMES'],
    publicCrmSearchRequest: { filters: [{ propertyName: 'company', operator: 'EQ', value: company }] },
  });
  assert.equal(started.status, 202);
  const task = started.body;
  assert.match(task.id, /^\d+$/);

  const status = await until(() => client.crm.exports.publicExportsApi.getStatus(Number(task.id)), (s) => s.status === 'COMPLETE');
  assert.ok(status.completedAt instanceof Date);
  assert.match(status.result, /^http/);

  const download = await fetch(status.result, { signal: AbortSignal.timeout(10_000) });
  assert.equal(download.status, 200);
  const lines = (await download.text()).trim().split('\r\n');
  assert.equal(lines[0], 'Record ID,firstname,company');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[1]).sort(), ['Ada', 'Bob']);

  const refused = await startExport({
    exportType: 'VIEW', exportName: 'x', format: 'XLSX', language: 'EN', objectType: 'CONTACT', objectProperties: ['email'],
  });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.category, 'VALIDATION_ERROR');
});
