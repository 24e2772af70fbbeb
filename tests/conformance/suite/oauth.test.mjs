// OAuth through the SDK (fact sheet §3.11, §9): a public app registered on the emulator (POST /_emulator/oauth/apps),
// the authorization URL built by `client.oauth.getAuthorizationUrl`, the consent page, the code exchange and refresh
// with `oauth.tokensApi.create`, token info with `oauth.accessTokensApi.get` / `refreshTokensApi.get`, and refresh-token
// delete with `refreshTokensApi.archive`; the access token then works on the CRM.
//
// The SDK has no part in the browser leg: getAuthorizationUrl only builds an app.hubspot.com URL. Its query string is
// sent to the emulator's /oauth/authorize with fetch, and the consent form is posted with fetch as a browser would
// (form-urlencoded, Origin = the emulator's origin, redirects not followed so the 302's Location can be read).
import assert from 'node:assert/strict';
import { before, beforeEach, test } from 'node:test';
import { Client } from '@hubspot/api-client';
import { admin, apiError, freshPortal, sdk, unique, url } from './support.mjs';

const REDIRECT_URI = 'http://localhost:3000/oauth-callback';
const REQUIRED_SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write'];
const OPTIONAL_SCOPES = ['crm.objects.companies.read'];

/** The public app this file registers once: { appId, clientId, clientSecret } (apps survive a portal reset). */
let app;
/** The portal the consent page installs into (the emulator's primary portal). */
let portalId;

before(async () => {
  const registered = await admin('POST', '/oauth/apps', {
    name: unique('Conformance OAuth app '),
    redirectUris: [REDIRECT_URI],
    requiredScopes: REQUIRED_SCOPES,
    optionalScopes: OPTIONAL_SCOPES,
  });
  assert.match(String(registered.appId), /^\d+$/);
  assert.equal(typeof registered.clientId, 'string');
  assert.equal(typeof registered.clientSecret, 'string');
  app = { appId: registered.appId, clientId: registered.clientId, clientSecret: registered.clientSecret };
  portalId = (await admin('GET', '/health')).portalId;
});

beforeEach(freshPortal);

/** An SDK client for the OAuth endpoints, as an integration builds one before it has any token. */
function oauthSdk() {
  return new Client({ basePath: url, numberOfApiCallRetries: 0 });
}

/** The authorization URL as the SDK builds it (required and optional scopes, space-separated, and a state). */
function authorizationUrl(state) {
  return oauthSdk().oauth.getAuthorizationUrl(app.clientId, REDIRECT_URI, REQUIRED_SCOPES.join(' '), OPTIONAL_SCOPES.join(' '), state);
}

/** Opens the consent page for the SDK's URL: the same query on the emulator's /oauth/authorize. Returns { res, html }. */
async function openConsentPage(state) {
  const built = new URL(authorizationUrl(state));
  assert.equal(built.origin + built.pathname, 'https://app.hubspot.com/oauth/authorize', 'the SDK builds HubSpot\'s authorize URL');
  const res = await fetch(`${url}/oauth/authorize${built.search}`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  return { res, html: await res.text() };
}

/** The consent page's hidden request id. */
function requestField(html) {
  const input = html.match(/<input[^>]*name="request"[^>]*>/)?.[0];
  assert.ok(input, 'the consent page has a hidden "request" field');
  const value = input.match(/value="([^"]*)"/)?.[1];
  assert.ok(value, 'the "request" field has a value');
  return value;
}

/** Posts the consent form as the page's Connect or Cancel button does; returns the redirect's Location as a URL. */
async function decide(html, decision) {
  const res = await fetch(`${url}/oauth/authorize/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin },
    body: new URLSearchParams({ request: requestField(html), portalId: String(portalId), decision }),
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  assert.equal(res.status, 302, `the decision redirects back to the app (got ${res.status})`);
  const location = res.headers.get('location');
  assert.ok(location, 'the redirect has a Location');
  return new URL(location);
}

/** The whole browser leg: consent page, Connect, and the code from the redirect. */
async function authorizationCode() {
  const state = unique('state-');
  const { res, html } = await openConsentPage(state);
  assert.equal(res.status, 200, html);
  const back = await decide(html, 'connect');
  assert.equal(back.searchParams.get('state'), state);
  return back.searchParams.get('code');
}

/** Exchanges a fresh code for tokens with the SDK. */
async function installedTokens() {
  const code = await authorizationCode();
  return oauthSdk().oauth.tokensApi.create('authorization_code', code, REDIRECT_URI, app.clientId, app.clientSecret);
}

test('the URL built by getAuthorizationUrl opens the consent page, and Connect redirects with a code and the state', async () => {
  // A state with characters that must survive encoding both ways.
  const state = `${unique('st-')} a/b?c=d&e`;
  const { res, html } = await openConsentPage(state);
  assert.equal(res.status, 200, html);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.match(html, /<form[^>]*method="post"/i);
  assert.ok(html.includes(`value="${portalId}"`), 'the consent page offers the portal');
  for (const scope of [...REQUIRED_SCOPES, ...OPTIONAL_SCOPES]) {
    assert.ok(html.includes(scope), `the consent page lists ${scope}`);
  }

  const back = await decide(html, 'connect');
  assert.equal(back.origin + back.pathname, REDIRECT_URI);
  assert.ok(back.searchParams.get('code'), 'the redirect carries a code');
  assert.equal(back.searchParams.get('state'), state);
  assert.equal(back.searchParams.get('error'), null);
});

test('tokensApi.create with authorization_code exchanges the code for a bearer access token and a refresh token', async () => {
  const code = await authorizationCode();
  const tokens = await oauthSdk().oauth.tokensApi.create('authorization_code', code, REDIRECT_URI, app.clientId, app.clientSecret);
  assert.equal(typeof tokens.accessToken, 'string');
  assert.ok(tokens.accessToken.length > 0 && tokens.accessToken.length <= 512, 'access tokens are up to ~512 characters');
  assert.equal(typeof tokens.refreshToken, 'string');
  assert.ok(tokens.refreshToken.length > 0);
  assert.equal(tokens.expiresIn, 1800);
  assert.equal(tokens.tokenType.toLowerCase(), 'bearer');
});

test('the access token works on the CRM', async () => {
  const { accessToken } = await installedTokens();
  const client = sdk({ accessToken });
  const created = await client.crm.contacts.basicApi.create({ properties: { email: `${unique('oauth')}@example.com` } });
  const page = await client.crm.contacts.basicApi.getPage(10);
  assert.ok(page.results.some((c) => c.id === created.id), 'the contact the OAuth token created is on the page');
});

test('accessTokensApi.get describes the token: portal, scopes, app, remaining lifetime', async () => {
  const { accessToken } = await installedTokens();
  const info = await oauthSdk().oauth.accessTokensApi.get(accessToken);
  assert.equal(info.token, accessToken);
  assert.equal(info.hubId, portalId);
  assert.equal(info.appId, app.appId);
  assert.equal(typeof info.userId, 'number');
  assert.equal(info.tokenType, 'access');
  assert.deepEqual([...info.scopes].sort(), [...REQUIRED_SCOPES, ...OPTIONAL_SCOPES].sort());
  assert.ok(info.expiresIn > 0 && info.expiresIn <= 1800, `expires_in is the remaining seconds (${info.expiresIn})`);
});

test('tokensApi.create with refresh_token hands out a new access token that works too', async () => {
  const installed = await installedTokens();
  const refreshed = await oauthSdk().oauth.tokensApi.create('refresh_token', undefined, undefined, app.clientId, app.clientSecret, installed.refreshToken);
  assert.equal(typeof refreshed.accessToken, 'string');
  assert.notEqual(refreshed.accessToken, installed.accessToken);
  assert.equal(typeof refreshed.refreshToken, 'string');
  assert.equal(refreshed.expiresIn, 1800);
  assert.equal(refreshed.tokenType.toLowerCase(), 'bearer');

  const page = await sdk({ accessToken: refreshed.accessToken }).crm.contacts.basicApi.getPage(10);
  assert.ok(Array.isArray(page.results));
  const info = await oauthSdk().oauth.accessTokensApi.get(refreshed.accessToken);
  assert.equal(info.hubId, portalId);
});

test('refreshTokensApi.archive deletes the refresh token: a refresh with it is 400 BAD_REFRESH_TOKEN, the access token still works', async () => {
  const installed = await installedTokens();
  const oauth = oauthSdk().oauth;
  const info = await oauth.refreshTokensApi.get(installed.refreshToken);
  assert.equal(info.token, installed.refreshToken);
  assert.equal(info.hubId, portalId);
  assert.equal(info.clientId, app.clientId);
  assert.deepEqual([...info.scopes].sort(), [...REQUIRED_SCOPES, ...OPTIONAL_SCOPES].sort());

  await oauth.refreshTokensApi.archive(installed.refreshToken);

  const e = await apiError(oauthSdk().oauth.tokensApi.create('refresh_token', undefined, undefined, app.clientId, app.clientSecret, installed.refreshToken), 400);
  assert.equal(e.body.status, 'BAD_REFRESH_TOKEN');
  assert.equal(typeof e.body.message, 'string');
  // "Access tokens generated with the refresh token will not be deleted" (DOC:oauth/tokens).
  const page = await sdk({ accessToken: installed.accessToken }).crm.contacts.basicApi.getPage(10);
  assert.ok(Array.isArray(page.results));
});

test('an authorization code works once: reusing it is 400 BAD_AUTH_CODE', async () => {
  const code = await authorizationCode();
  const tokens = await oauthSdk().oauth.tokensApi.create('authorization_code', code, REDIRECT_URI, app.clientId, app.clientSecret);
  assert.ok(tokens.accessToken);
  const e = await apiError(oauthSdk().oauth.tokensApi.create('authorization_code', code, REDIRECT_URI, app.clientId, app.clientSecret), 400);
  assert.equal(e.body.status, 'BAD_AUTH_CODE');
  assert.equal(typeof e.body.message, 'string');
});

test('Cancel on the consent page redirects with error=access_denied and the state', async () => {
  const state = unique('state-');
  const { res, html } = await openConsentPage(state);
  assert.equal(res.status, 200, html);
  const back = await decide(html, 'cancel');
  assert.equal(back.origin + back.pathname, REDIRECT_URI);
  assert.equal(back.searchParams.get('error'), 'access_denied');
  assert.ok(back.searchParams.get('error_description'), 'an error_description comes with the error');
  assert.equal(back.searchParams.get('state'), state);
  assert.equal(back.searchParams.get('code'), null);
});
