// Bulk-creates contacts with HubSpot's official Node SDK, configured as its README recommends: the shipped limiter preset
// (DEFAULT_LIMITER_OPTIONS: 6 at once, one start per 1000/9 ms), numberOfApiCallRetries: 3, batchApi.create in batches
// of 100, every batch started at once with Promise.all and the limiter doing the pacing.
//
// The SDK is the one pinned in tests/conformance (package.json + lock; `npm ci` there): no second install here.
//
//   SPOKE_EMULATOR_URL=http://127.0.0.1:PORT/ SPOKE_EMULATOR_TOKEN=... RECORDS=20000 node bench/node-bulk-create/bulk-create.mjs
//
// Prints one JSON line: { wallMs, records, batches, created, failedBatches, errors: [first few], sdkRetryLogs }.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const conformance = fileURLToPath(new URL('../../tests/conformance/package.json', import.meta.url));
const { Client, DEFAULT_LIMITER_OPTIONS } = createRequire(conformance)('@hubspot/api-client');

const basePath = (process.env.SPOKE_EMULATOR_URL ?? '').replace(/\/+$/, '');
const accessToken = process.env.SPOKE_EMULATOR_TOKEN;
const records = Number(process.env.RECORDS ?? 20000);
const batchSize = 100;
const prefix = process.env.EMAIL_PREFIX ?? `node${Date.now()}`;
if (!basePath || !accessToken) {
  console.error('SPOKE_EMULATOR_URL and SPOKE_EMULATOR_TOKEN are required');
  process.exit(2);
}

// The SDK's RetryDecorator logs each retry to stderr ("Request failed with status code [429], will retry ..."): count them.
let sdkRetryLogs = 0;
const consoleError = console.error;
console.error = (...args) => {
  if (typeof args[0] === 'string' && args[0].startsWith('Request failed with status code')) {
    sdkRetryLogs++;
    return;
  }
  consoleError(...args);
};

const client = new Client({
  accessToken,
  basePath,
  numberOfApiCallRetries: 3,
  limiterOptions: DEFAULT_LIMITER_OPTIONS,
});

const batches = [];
for (let start = 0; start < records; start += batchSize) {
  const inputs = [];
  for (let i = start; i < Math.min(records, start + batchSize); i++) {
    inputs.push({ properties: { email: `${prefix}-${i}@bench.example`, firstname: `N${i}` }, associations: [] });
  }
  batches.push(inputs);
}

const started = process.hrtime.bigint();
const outcomes = await Promise.all(batches.map(async (inputs) => {
  try {
    const res = await client.crm.contacts.batchApi.create({ inputs });
    return { created: res.results.length, error: null };
  } catch (e) {
    return { created: 0, error: `${e.code ?? ''} ${e.body?.policyName ?? e.body?.category ?? e.message ?? e}`.trim() };
  }
}));
const wallMs = Number(process.hrtime.bigint() - started) / 1e6;

const failed = outcomes.filter((o) => o.error);
console.log(JSON.stringify({
  wallMs,
  records,
  batches: batches.length,
  created: outcomes.reduce((n, o) => n + o.created, 0),
  failedBatches: failed.length,
  errors: failed.slice(0, 5).map((o) => o.error),
  sdkRetryLogs,
  limiterOptions: DEFAULT_LIMITER_OPTIONS,
}));
