// End-to-end suite of an OpenID Connect provider following Guichet's contract (issue 16,
// SPEC.md §9), driven by relying-party libraries that no one here wrote: openid-client 6.8
// (non-repudiation checks on: every id_token's signature is verified against the JWKS) and
// oauth4webapi. Runs unchanged against Guichet and against the oidc-provider stand-in
// (oidc_provider_standin.mjs, which proves the suite right); see README.md.
//
//   OIDC_ISSUER=http://127.0.0.1:PORT OIDC_ADMIN_TOKEN=… OIDC_MEMBER_IDENTIFIER=… \
//   OIDC_MEMBER_PASSWORD=… [OIDC_MEMBER2_IDENTIFIER=… OIDC_MEMBER2_PASSWORD=…] \
//   [OIDC_LOGIN_URL=…] [OIDC_TARGET=guichet] node --test rp_suite.mjs
//
// Tests run one after the other; each registers its own clients and uses its own browsers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { load } from './deps.mjs';
import {
  Browser, RelyingPartyServer, acceptAuthRequest, api, authorize, completeLogin, decodeJwt, env,
  guichet, portalLogin, registerClient, signIn, untilAfter,
} from './rp_driver.mjs';

const oc = await load('openid-client');
const oauth = await load('oauth4webapi');
const jose = await load('jose');

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
// OIDC_BACKCHANNEL=off: a provider that does not send back-channel logout tokens yet (Guichet
// until issue 16 is done); the logout tests then check everything else.
const backchannel = process.env.OIDC_BACKCHANNEL !== 'off';

let rp; // the relying parties' local server (back-channel logout receiver)
let meta; // the provider's discovery document
let jwks; // its keys, for jose

before(async () => {
  rp = new RelyingPartyServer();
  await rp.start();
  const res = await fetch(`${env.issuer}/.well-known/openid-configuration`);
  assert.equal(res.status, 200, 'discovery document');
  meta = await res.json();
  jwks = jose.createRemoteJWKSet(new URL(meta.jwks_uri));
});

after(async () => {
  await rp?.stop();
});

// ---------------------------------------------------------------------------------------------
// Helpers.
const nowS = () => Math.floor(Date.now() / 1000);

// openid-client's configuration for a registered client: discovery, http allowed (127.0.0.1),
// and the non-repudiation checks (id_token signatures verified with the provider's JWKS).
async function configFor(client, method = client.type === 'public' ? 'none' : 'basic') {
  const auth = {
    basic: () => oc.ClientSecretBasic(client.secret),
    post: () => oc.ClientSecretPost(client.secret),
    none: () => oc.None(),
  }[method]();
  return oc.discovery(
    new URL(env.issuer),
    client.client_id,
    { id_token_signed_response_alg: 'RS256' },
    auth,
    { execute: [oc.allowInsecureRequests, oc.enableNonRepudiationChecks] },
  );
}

// An authorization request's parameters, with PKCE S256, state and nonce.
async function authParams(client, extra = {}) {
  const verifier = oc.randomPKCECodeVerifier();
  return {
    verifier,
    state: oc.randomState(),
    nonce: oc.randomNonce(),
    params: {
      redirect_uri: client.redirect_uri,
      scope: 'openid email profile',
      code_challenge: await oc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...extra,
    },
  };
}

function authorizationUrl(client, a, drop = []) {
  const url = new URL(meta.authorization_endpoint);
  const params = { client_id: client.client_id, response_type: 'code', state: a.state, nonce: a.nonce, ...a.params };
  for (const [k, v] of Object.entries(params)) if (!drop.includes(k)) url.searchParams.set(k, v);
  return url;
}

// Code flow with openid-client, from the authorization request to the tokens.
async function codeFlow(browser, config, client, { extra = {}, login = {}, maxAge } = {}) {
  const a = await authParams(client, extra);
  const url = oc.buildAuthorizationUrl(config, { state: a.state, nonce: a.nonce, ...a.params });
  const { url: callback, loginShown, authRequest } = await signIn(browser, url, login);
  const tokens = await oc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: a.verifier,
    expectedState: a.state,
    expectedNonce: a.nonce,
    idTokenExpected: true,
    ...(maxAge === undefined ? {} : { maxAge }),
  });
  return { tokens, claims: tokens.claims(), callback, loginShown, authRequest, ...a };
}

// Only the code: the authorization request and the login, no exchange.
async function codeOnly(browser, client, extra = {}, login = {}) {
  const a = await authParams(client, extra);
  const { url: callback, loginShown } = await signIn(browser, authorizationUrl(client, a), login);
  assert.equal(callback.searchParams.get('error'), null, `authorization error: ${callback}`);
  return { code: callback.searchParams.get('code'), callback, loginShown, ...a };
}

// The token endpoint by hand, for what the libraries would not send.
async function tokenRequest(client, params, method = client.type === 'public' ? 'none' : 'basic') {
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const body = new URLSearchParams(params);
  if (method === 'basic') {
    const id = encodeURIComponent(client.client_id);
    const secret = encodeURIComponent(client.secret);
    headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  } else {
    body.set('client_id', client.client_id);
    if (method === 'post') body.set('client_secret', client.secret);
  }
  const res = await fetch(meta.token_endpoint, { method: 'POST', headers, body });
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

// RFC 6749 §5.2: 400 (401 for invalid_client), JSON with `error`.
function expectOAuthError(res, error) {
  assert.ok(res.status === 400 || res.status === 401, `status ${res.status}`);
  assert.equal(res.json?.error, error, JSON.stringify(res.json));
}

async function expectGrantRefused(promise) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.error, 'invalid_grant', `${err.name}: ${err.message}`);
    return true;
  });
}

async function userinfoRaw(accessToken) {
  const res = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), json: await res.json().catch(() => undefined) };
}

// A revoked access token: 401 with a Bearer challenge.
async function expectAccessRevoked(accessToken) {
  const res = await userinfoRaw(accessToken);
  assert.equal(res.status, 401, `userinfo answered ${res.status}`);
  assert.match(res.wwwAuthenticate ?? '', /^Bearer\b/i);
}

// Problems of the JSON API: the status always; the media type and Guichet's stable `code` only
// against Guichet (the stand-in emulates them, so checking them there proves nothing).
function expectProblem(res, status, code) {
  assert.equal(res.status, status, res.text);
  if (guichet) {
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(res.json?.code, code, res.text);
  }
}

function audience(claims) {
  return [].concat(claims.aud);
}

function expectIdTokenClaims(claims, client, { nonce, loginAfter }) {
  const now = nowS();
  assert.equal(claims.iss, env.issuer);
  assert.ok(audience(claims).includes(client.client_id), `aud ${claims.aud}`);
  assert.equal(typeof claims.sub, 'string');
  assert.ok(claims.sub.length > 0);
  // The account id, never the NIR (13 or 15 characters, digits and 2A/2B).
  assert.doesNotMatch(claims.sub, /^[12][0-9]{2}[0-9]{2}(2A|2B|[0-9]{2})[0-9]{6}([0-9]{2})?$/);
  assert.notEqual(claims.sub, env.members[0].identifier);
  assert.equal(claims.nonce, nonce);
  assert.equal(typeof claims.auth_time, 'number');
  if (loginAfter !== undefined) assert.ok(claims.auth_time >= loginAfter - 1, 'auth_time');
  assert.ok(claims.auth_time <= now + 5, 'auth_time in the future');
  assert.equal(typeof claims.sid, 'string');
  assert.ok(claims.sid.length > 0);
  assert.ok(claims.exp > now, 'exp');
  assert.ok(claims.iat <= now + 5 && claims.iat >= now - 300, 'iat');
  assert.deepEqual(claims.amr, ['pwd']);
}

function expectProfileClaims(claims) {
  assert.equal(typeof claims.email, 'string');
  assert.match(claims.email, /@/);
  assert.equal(typeof claims.email_verified, 'boolean');
  assert.equal(typeof claims.given_name, 'string');
  assert.equal(typeof claims.family_name, 'string');
  const { identifier } = env.members[0];
  if (identifier.includes('@')) assert.equal(claims.email.toLowerCase(), identifier.toLowerCase());
}

async function expectKnownKey(jwt) {
  const { header } = decodeJwt(jwt);
  assert.equal(header.alg, 'RS256');
  assert.equal(typeof header.kid, 'string');
  const res = await fetch(meta.jwks_uri);
  const { keys } = await res.json();
  assert.ok(keys.some((k) => k.kid === header.kid), `kid ${header.kid} not in the JWKS`);
}

// ---------------------------------------------------------------------------------------------
test('discovery: issuer, endpoints at Guichet\'s paths, code flow only, S256, iss in the authorization response, RS256 key with kid', async () => {
  const base = env.issuer;
  assert.equal(meta.issuer, base);
  assert.equal(meta.authorization_endpoint, `${base}/oauth2/authorize`);
  assert.equal(meta.token_endpoint, `${base}/oauth2/token`);
  assert.equal(meta.userinfo_endpoint, `${base}/oauth2/userinfo`);
  assert.equal(meta.revocation_endpoint, `${base}/oauth2/revoke`);
  assert.equal(meta.end_session_endpoint, `${base}/oauth2/logout`);
  assert.equal(meta.jwks_uri, `${base}/.well-known/jwks.json`);
  assert.deepEqual(meta.response_types_supported, ['code']);
  const pkce = meta.code_challenge_methods_supported ?? [];
  assert.ok(pkce.includes('S256') && !pkce.includes('plain'), `PKCE methods ${pkce}`);
  assert.equal(meta.authorization_response_iss_parameter_supported, true);
  for (const method of ['client_secret_basic', 'client_secret_post', 'none']) {
    assert.ok((meta.token_endpoint_auth_methods_supported ?? []).includes(method), method);
  }
  assert.ok((meta.id_token_signing_alg_values_supported ?? []).includes('RS256'));
  for (const scope of ['openid', 'email', 'profile']) {
    assert.ok((meta.scopes_supported ?? []).includes(scope), scope);
  }
  if (backchannel) {
    assert.equal(meta.backchannel_logout_supported, true);
    assert.equal(meta.backchannel_logout_session_supported, true);
  }

  const res = await fetch(meta.jwks_uri);
  assert.equal(res.status, 200);
  const { keys } = await res.json();
  const rsa = keys.filter((k) => k.kty === 'RSA' && (k.alg === undefined || k.alg === 'RS256'));
  assert.ok(rsa.length > 0, 'an RS256 key');
  for (const key of keys) {
    assert.equal(typeof key.kid, 'string', 'every key has a kid');
    assert.equal(key.d, undefined, 'no private part');
  }
});

test('confidential client, client_secret_basic (openid-client): code flow with PKCE, id_token claims and signature, userinfo by scope', async () => {
  const client = await registerClient(rp);
  const config = await configFor(client, 'basic');
  const browser = new Browser();
  const started = nowS();
  const flow = await codeFlow(browser, config, client);

  assert.equal(flow.loginShown, true);
  assert.ok(flow.callback.href.startsWith(`${client.redirect_uri}?`));
  assert.equal(flow.callback.searchParams.get('state'), flow.state);
  assert.equal(flow.callback.searchParams.get('iss'), env.issuer);
  const { tokens, claims } = flow;
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.ok(tokens.expires_in > 0);
  assert.equal(typeof tokens.refresh_token, 'string');
  assert.ok(tokens.scope.split(' ').includes('openid'));
  expectIdTokenClaims(claims, client, { nonce: flow.nonce, loginAfter: started });
  expectProfileClaims(claims); // with scope email and profile, in the id_token too
  await expectKnownKey(tokens.id_token);

  const info = await oc.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.sub, claims.sub);
  expectProfileClaims(info);
  assert.equal(info.email, claims.email);

  if (guichet) {
    // Guichet's access tokens are JWTs for the client (aud = client_id), EdDSA like the API's own
    // (a refresh then signs in microseconds, not an RSA millisecond); oidc-provider's are opaque
    // unless resource indicators are used.
    const { payload, protectedHeader } = await jose.jwtVerify(tokens.access_token, jwks, {
      issuer: env.issuer, audience: client.client_id, algorithms: ['EdDSA'],
    });
    assert.equal(protectedHeader.alg, 'EdDSA');
    assert.equal(payload.sub, claims.sub);
    assert.equal(payload.sid, claims.sid);
    assert.equal(payload.client_id, client.client_id);
    assert.ok(payload.scope.split(' ').includes('openid'));
    assert.ok(payload.exp > nowS() && typeof payload.iat === 'number');
  }

  // Scope openid alone (single sign-on, no login): userinfo has the subject, not the claims
  // of email and profile.
  const bare = await codeFlow(browser, config, client, { extra: { scope: 'openid' } });
  assert.equal(bare.loginShown, false);
  assert.equal(bare.claims.sub, claims.sub);
  const bareInfo = await oc.fetchUserInfo(config, bare.tokens.access_token, claims.sub);
  assert.equal(bareInfo.sub, claims.sub);
  for (const claim of ['email', 'email_verified', 'given_name', 'family_name']) {
    assert.equal(bareInfo[claim], undefined, `${claim} without its scope`);
  }
});

test('openid-client\'s non-repudiation checks are live: an id_token whose signature does not verify is refused', async () => {
  const client = await registerClient(rp);
  const config = await configFor(client);
  // The token endpoint's answer with one bit of the id_token's signature flipped.
  config[oc.customFetch] = async (url, options) => {
    const res = await fetch(url, options);
    if (url !== meta.token_endpoint || res.status !== 200) return res;
    const body = await res.json();
    const [h, p, s] = body.id_token.split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[0] ^= 1;
    body.id_token = `${h}.${p}.${sig.toString('base64url')}`;
    return new Response(JSON.stringify(body), { status: 200, headers: res.headers });
  };
  await assert.rejects(codeFlow(new Browser(), config, client), (err) => {
    assert.equal(err.code, 'OAUTH_INVALID_RESPONSE', err.message);
    assert.match(err.cause?.message ?? '', /signature verification failed/);
    return true;
  });
});

test('confidential client, client_secret_post (openid-client): code flow, refresh, userinfo', async () => {
  const client = await registerClient(rp);
  const config = await configFor(client, 'post');
  const { tokens, claims, nonce } = await codeFlow(new Browser(), config, client);
  expectIdTokenClaims(claims, client, { nonce });

  const refreshed = await oc.refreshTokenGrant(config, tokens.refresh_token);
  assert.equal(typeof refreshed.access_token, 'string');
  assert.notEqual(refreshed.access_token, tokens.access_token);
  assert.equal(typeof refreshed.refresh_token, 'string');
  assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
  if (refreshed.id_token) assert.equal(refreshed.claims().sub, claims.sub);
  const info = await oc.fetchUserInfo(config, refreshed.access_token, claims.sub);
  expectProfileClaims(info);
});

test('confidential client without PKCE: allowed (PKCE is required of public clients only)', async () => {
  const client = await registerClient(rp);
  const config = await configFor(client);
  const a = await authParams(client);
  const { url: callback } = await signIn(new Browser(), authorizationUrl(client, a, ['code_challenge', 'code_challenge_method']));
  assert.equal(callback.searchParams.get('error'), null, `${callback}`);
  const tokens = await oc.authorizationCodeGrant(config, callback, {
    expectedState: a.state, expectedNonce: a.nonce,
  });
  expectIdTokenClaims(tokens.claims(), client, { nonce: a.nonce });
});

test('oauth4webapi, confidential client: code flow with PKCE, iss checked, refresh, userinfo', async () => {
  const client = await registerClient(rp);
  const insecure = { [oauth.allowInsecureRequests]: true };
  const issuer = new URL(env.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  const c = { client_id: client.client_id, id_token_signed_response_alg: 'RS256' };
  const auth = oauth.ClientSecretBasic(client.secret);

  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client.client_id, redirect_uri: client.redirect_uri, response_type: 'code',
    scope: 'openid email profile', state, nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  }).toString();
  const { url: callback } = await signIn(new Browser(), url);

  const params = oauth.validateAuthResponse(as, c, callback, state); // iss too (RFC 9207)
  const result = await oauth.processAuthorizationCodeResponse(
    as, c,
    await oauth.authorizationCodeGrantRequest(as, c, auth, params, client.redirect_uri, verifier, insecure),
    { expectedNonce: nonce, requireIdToken: true },
  );
  const claims = oauth.getValidatedIdTokenClaims(result);
  expectIdTokenClaims(claims, client, { nonce });
  assert.equal(typeof result.refresh_token, 'string');

  const info = await oauth.processUserInfoResponse(
    as, c, claims.sub, await oauth.userInfoRequest(as, c, result.access_token, insecure),
  );
  expectProfileClaims(info);

  const refreshed = await oauth.processRefreshTokenResponse(
    as, c, await oauth.refreshTokenGrantRequest(as, c, auth, result.refresh_token, insecure),
  );
  assert.notEqual(refreshed.refresh_token, result.refresh_token);
  const info2 = await oauth.processUserInfoResponse(
    as, c, claims.sub, await oauth.userInfoRequest(as, c, refreshed.access_token, insecure),
  );
  assert.equal(info2.sub, claims.sub);
});

test('public client: PKCE required (none → invalid_request back to the client), plain refused, S256 works, a wrong code_verifier → invalid_grant', async () => {
  const client = await registerClient(rp, { type: 'public' });
  const browser = new Browser();

  // No code_challenge: refused before any login, back to the client with the error.
  const noPkce = await authParams(client);
  const refused = await authorize(browser, authorizationUrl(client, noPkce, ['code_challenge', 'code_challenge_method']));
  assert.equal(refused.kind, 'callback');
  assert.ok(refused.url.href.startsWith(`${client.redirect_uri}?`));
  assert.equal(refused.url.searchParams.get('error'), 'invalid_request');
  assert.equal(refused.url.searchParams.get('state'), noPkce.state);
  assert.equal(refused.url.searchParams.get('iss'), env.issuer);
  assert.equal(refused.url.searchParams.get('code'), null);

  // code_challenge_method=plain: S256 only.
  const plain = await authParams(client);
  plain.params.code_challenge = plain.verifier;
  plain.params.code_challenge_method = 'plain';
  const plainRefused = await authorize(browser, authorizationUrl(client, plain));
  assert.equal(plainRefused.kind, 'callback');
  assert.equal(plainRefused.url.searchParams.get('error'), 'invalid_request');
  assert.equal(plainRefused.url.searchParams.get('code'), null);

  // S256, no client secret (openid-client, None).
  const config = await configFor(client, 'none');
  const flow = await codeFlow(browser, config, client);
  expectIdTokenClaims(flow.claims, client, { nonce: flow.nonce });
  assert.equal(typeof flow.tokens.refresh_token, 'string');
  const refreshed = await oc.refreshTokenGrant(config, flow.tokens.refresh_token);
  await oc.fetchUserInfo(config, refreshed.access_token, flow.claims.sub);

  // The wrong code_verifier.
  const { code } = await codeOnly(browser, client);
  expectOAuthError(await tokenRequest(client, {
    grant_type: 'authorization_code', code, redirect_uri: client.redirect_uri,
    code_verifier: oc.randomPKCECodeVerifier(),
  }), 'invalid_grant');
});

test('refresh rotation: each refresh gives a new refresh token, and the chain goes on from the newest', async () => {
  const client = await registerClient(rp);
  const config = await configFor(client);
  const { tokens, claims } = await codeFlow(new Browser(), config, client);
  const first = await oc.refreshTokenGrant(config, tokens.refresh_token);
  assert.notEqual(first.refresh_token, tokens.refresh_token);
  assert.notEqual(first.access_token, tokens.access_token);
  const second = await oc.refreshTokenGrant(config, first.refresh_token);
  assert.notEqual(second.refresh_token, first.refresh_token);
  await oc.fetchUserInfo(config, second.access_token, claims.sub);
});

test('refresh reuse: a replaced refresh token is refused, and that revokes its family (the newest refresh token and the access tokens)', async () => {
  const client = await registerClient(rp);
  const config = await configFor(client);
  const { tokens, claims } = await codeFlow(new Browser(), config, client);
  const r1 = await oc.refreshTokenGrant(config, tokens.refresh_token);
  const r2 = await oc.refreshTokenGrant(config, r1.refresh_token);
  await oc.fetchUserInfo(config, r2.access_token, claims.sub);

  await expectGrantRefused(oc.refreshTokenGrant(config, r1.refresh_token)); // replaced by r2
  await expectGrantRefused(oc.refreshTokenGrant(config, r2.refresh_token)); // its family revoked
  await expectAccessRevoked(r2.access_token);
  await expectAccessRevoked(tokens.access_token);
});

test('code reuse: the second exchange → invalid_grant, and what the first gave is revoked', async () => {
  const client = await registerClient(rp);
  const config = await configFor(client);
  const flow = await codeFlow(new Browser(), config, client);
  const code = flow.callback.searchParams.get('code');
  await oc.fetchUserInfo(config, flow.tokens.access_token, flow.claims.sub);

  expectOAuthError(await tokenRequest(client, {
    grant_type: 'authorization_code', code, redirect_uri: client.redirect_uri,
    code_verifier: flow.verifier,
  }), 'invalid_grant');
  await expectAccessRevoked(flow.tokens.access_token);
  await expectGrantRefused(oc.refreshTokenGrant(config, flow.tokens.refresh_token));
});

test('redirect_uri: an unregistered one → 400 without redirect, an unknown client → 400 without redirect, a mismatch at the token endpoint → invalid_grant', async () => {
  const client = await registerClient(rp);
  const browser = new Browser();
  const expectNoRedirect = (step) => {
    assert.equal(step.kind, 'page');
    assert.equal(step.nav.status, 400);
    assert.equal(step.nav.headers.get('location'), null);
    assert.match(step.nav.headers.get('content-type') ?? '', /^application\/problem\+json/);
  };
  for (const redirectUri of [
    `${rp.base}/cb/other`,
    `${client.redirect_uri}/`, // exact match: no trailing slash added…
    `${client.redirect_uri}?x=1`, // …nor a query
    `http://localhost:${new URL(rp.base).port}/cb/${client.client_id}`, // …nor another host
  ]) {
    const a = await authParams(client, { redirect_uri: redirectUri });
    expectNoRedirect(await authorize(browser, authorizationUrl(client, a)));
  }
  const unknown = await authParams(client);
  expectNoRedirect(await authorize(browser, authorizationUrl({ ...client, client_id: `${client.client_id}-unknown` }, unknown)));

  const { code, verifier } = await codeOnly(browser, client);
  expectOAuthError(await tokenRequest(client, {
    grant_type: 'authorization_code', code, redirect_uri: `${rp.base}/cb/other`, code_verifier: verifier,
  }), 'invalid_grant');
});

test('nonce: the id_token carries the request\'s nonce, and openid-client refuses one that is not the expected nonce', async () => {
  const client = await registerClient(rp);
  const config = await configFor(client);
  const browser = new Browser();
  const a = await authParams(client);
  const { url: callback } = await signIn(browser, oc.buildAuthorizationUrl(config, { state: a.state, nonce: a.nonce, ...a.params }));
  await assert.rejects(oc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: oc.randomNonce(),
  }), (err) => {
    assert.equal(err.code, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', err.message);
    assert.equal(err.cause?.cause?.claim, 'nonce');
    return true;
  });

  const again = await codeFlow(browser, config, client);
  assert.equal(again.claims.nonce, again.nonce);
});

test('single sign-on: a second client gets a code at once (303s, no login page); prompt=none with the session gives a code', async () => {
  const [a, b] = [await registerClient(rp), await registerClient(rp)];
  const [configA, configB] = [await configFor(a), await configFor(b)];
  const browser = new Browser();
  const first = await codeFlow(browser, configA, a);
  assert.equal(first.loginShown, true);
  if (guichet) assert.ok(browser.jar.names().includes('__Host-guichet_sso'), 'the SSO cookie');

  const urlB = oc.buildAuthorizationUrl(configB, { state: 's', nonce: 'n', ...(await authParams(b)).params });
  const nav = await browser.navigate(urlB);
  assert.equal(nav.hops.length, 1, 'straight back to the client');
  assert.equal(nav.status, 303);
  assert.equal(nav.location.searchParams.get('auth_request'), null);
  assert.ok(nav.location.searchParams.get('code'));

  const second = await codeFlow(browser, configB, b);
  assert.equal(second.loginShown, false);
  assert.equal(second.claims.sub, first.claims.sub);
  assert.equal(second.claims.auth_time, first.claims.auth_time);

  const silent = await codeFlow(browser, configB, b, { extra: { prompt: 'none' } });
  assert.equal(silent.loginShown, false);
  assert.equal(silent.claims.sub, first.claims.sub);
});

test('prompt=none without a session → login_required, back to the client with state and iss', async () => {
  const client = await registerClient(rp);
  const a = await authParams(client, { prompt: 'none' });
  const step = await authorize(new Browser(), authorizationUrl(client, a));
  assert.equal(step.kind, 'callback');
  assert.equal(step.nav.status, 303);
  assert.ok(step.url.href.startsWith(`${client.redirect_uri}?`));
  assert.equal(step.url.searchParams.get('error'), 'login_required');
  assert.equal(step.url.searchParams.get('state'), a.state);
  assert.equal(step.url.searchParams.get('iss'), env.issuer);
  assert.equal(step.url.searchParams.get('code'), null);
});

test('prompt=login: the login page again though a session is live; a portal session from before the request → 403; a fresh login → a code with a later auth_time', async () => {
  const client = await registerClient(rp);
  const config = await configFor(client);
  const browser = new Browser();
  const first = await codeFlow(browser, config, client);
  const old = browser.portal.get(env.members[0].identifier);
  // The next request starts in a later second than that login, whatever the clock's grain.
  await untilAfter(first.claims.auth_time + 1);

  const a = await authParams(client, { prompt: 'login' });
  const step = await authorize(browser, oc.buildAuthorizationUrl(config, { state: a.state, nonce: a.nonce, ...a.params }));
  assert.equal(step.kind, 'login');
  if (env.loginUrl) assert.ok(step.nav.location.href.startsWith(env.loginUrl));
  const details = await api('GET', `/v1/auth-requests/${encodeURIComponent(step.authRequest)}`);
  assert.equal(details.status, 200);
  assert.deepEqual(details.json.prompt, ['login']);

  expectProblem(await acceptAuthRequest(step.authRequest, old.accessToken), 403, 'reauthentication_required');
  const done = await completeLogin(browser, step.authRequest, { fresh: true });
  assert.equal(done.kind, 'callback');
  const tokens = await oc.authorizationCodeGrant(config, done.url, {
    pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce,
  });
  const claims = tokens.claims();
  assert.equal(claims.sub, first.claims.sub);
  assert.ok(claims.auth_time > first.claims.auth_time, `auth_time ${claims.auth_time} after ${first.claims.auth_time}`);
});

test('max_age: within it, a code at once with auth_time; past it, the login page, an older portal session → 403, a fresh login → a fresh auth_time', async () => {
  const client = await registerClient(rp);
  const config = await configFor(client);
  const browser = new Browser();
  const first = await codeFlow(browser, config, client);
  const t1 = first.claims.auth_time;

  const within = await codeFlow(browser, config, client, { extra: { max_age: '3600' }, maxAge: 3600 });
  assert.equal(within.loginShown, false);
  assert.equal(within.claims.auth_time, t1);

  // max_age=1 and the clock past auth_time + 2 s: more than a second has passed since the
  // login, at any precision of auth_time.
  await untilAfter(t1 + 2);
  const a = await authParams(client, { max_age: '1' });
  const step = await authorize(browser, oc.buildAuthorizationUrl(config, { state: a.state, nonce: a.nonce, ...a.params }));
  assert.equal(step.kind, 'login');
  const details = await api('GET', `/v1/auth-requests/${encodeURIComponent(step.authRequest)}`);
  assert.equal(details.json.max_age, 1);
  const old = browser.portal.get(env.members[0].identifier);
  expectProblem(await acceptAuthRequest(step.authRequest, old.accessToken), 403, 'reauthentication_required');

  const done = await completeLogin(browser, step.authRequest, { fresh: true });
  const tokens = await oc.authorizationCodeGrant(config, done.url, {
    pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce, maxAge: 1,
  });
  assert.ok(tokens.claims().auth_time >= t1 + 2);
});

test('the member declines (reject) → the client gets error=access_denied with its state', async () => {
  const client = await registerClient(rp);
  const browser = new Browser();
  const a = await authParams(client);
  const step = await authorize(browser, authorizationUrl(client, a));
  assert.equal(step.kind, 'login');
  const res = await api('POST', `/v1/auth-requests/${encodeURIComponent(step.authRequest)}/reject`);
  assert.equal(res.status, 200, res.text);
  const back = await browser.navigate(res.json.redirect_to);
  assert.ok(back.location.href.startsWith(`${client.redirect_uri}?`));
  assert.equal(back.location.searchParams.get('error'), 'access_denied');
  assert.equal(back.location.searchParams.get('state'), a.state);
  assert.equal(back.location.searchParams.get('code'), null);
});

test('auth requests in the JSON API: their details, an unknown one → 404, one accepted twice → 409', async () => {
  const client = await registerClient(rp, { name: 'MGEN Avantage (suite)' });
  const browser = new Browser();
  const { identifier } = env.members[0];
  const a = await authParams(client, { login_hint: identifier, scope: 'openid email' });
  const step = await authorize(browser, authorizationUrl(client, a));
  assert.equal(step.kind, 'login');

  const details = await api('GET', `/v1/auth-requests/${encodeURIComponent(step.authRequest)}`);
  assert.equal(details.status, 200, details.text);
  assert.equal(details.json.id, step.authRequest);
  assert.equal(details.json.client?.id, client.client_id);
  assert.equal(details.json.client?.name, 'MGEN Avantage (suite)');
  assert.deepEqual([...details.json.scopes].sort(), ['email', 'openid']);
  assert.equal(details.json.login_hint, identifier);
  assert.deepEqual(details.json.prompt, []);
  assert.equal(details.json.max_age, null);
  const expires = Date.parse(details.json.expires_at);
  assert.ok(expires > Date.now() && expires <= Date.now() + 11 * 60 * 1000, details.json.expires_at);

  expectProblem(await api('GET', '/v1/auth-requests/no-such-request-0000'), 404, 'auth_request_not_found');

  const { accessToken } = await portalLogin(browser);
  const accepted = await acceptAuthRequest(step.authRequest, accessToken);
  assert.equal(accepted.status, 200, accepted.text);
  const twice = await acceptAuthRequest(step.authRequest, accessToken);
  expectProblem(twice, 409, 'auth_request_used');
  if (guichet) {
    const back = new URL(twice.json.redirect_to);
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(twice.json.client_name, 'MGEN Avantage (suite)');
  }

  const done = await browser.navigate(accepted.json.redirect_to);
  assert.ok(done.location.searchParams.get('code'));
  assert.equal(done.location.searchParams.get('state'), a.state);
});

test('a portal session with pending required actions cannot accept → 403 required_actions_pending', {
  skip: !env.pendingMember && 'OIDC_PENDING_MEMBER_IDENTIFIER not set',
}, async () => {
  const client = await registerClient(rp);
  const step = await authorize(new Browser(), authorizationUrl(client, await authParams(client)));
  assert.equal(step.kind, 'login');
  const login = await api('POST', '/v1/sessions', {
    body: { identifier: env.pendingMember.identifier, password: env.pendingMember.password },
  });
  assert.equal(login.status, 200, login.text);
  const pending = login.json.session.required_actions;
  assert.ok(pending.length > 0, 'that member has pending required actions');
  const res = await acceptAuthRequest(step.authRequest, login.json.access_token);
  expectProblem(res, 403, 'required_actions_pending');
  if (guichet) assert.deepEqual(res.json.required_actions, pending);
});

test('revocation (RFC 7009): a revoked refresh token is refused, and so are its access tokens; an unknown token → 200', async () => {
  const client = await registerClient(rp);
  const config = await configFor(client);
  const { tokens, claims } = await codeFlow(new Browser(), config, client);
  await oc.fetchUserInfo(config, tokens.access_token, claims.sub);

  await oc.tokenRevocation(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  await expectGrantRefused(oc.refreshTokenGrant(config, tokens.refresh_token));
  await expectAccessRevoked(tokens.access_token);

  const res = await fetch(meta.revocation_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.client_id}:${client.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token: 'no-such-token-0123456789', token_type_hint: 'refresh_token' }),
  });
  assert.equal(res.status, 200);
});

test('RP-initiated logout: back to post_logout_redirect_uri with state, no page; the session is over; a verified back-channel logout token for each client of the session', async () => {
  const [a, b, c] = [await registerClient(rp), await registerClient(rp), await registerClient(rp)];
  const [configA, configB] = [await configFor(a), await configFor(b)];
  const browser = new Browser();
  const flowA = await codeFlow(browser, configA, a);
  const flowB = await codeFlow(browser, configB, b);
  assert.equal(flowB.loginShown, false);

  const state = oc.randomState();
  const logout = oc.buildEndSessionUrl(configA, {
    id_token_hint: flowA.tokens.id_token,
    post_logout_redirect_uri: a.post_logout_redirect_uri,
    state,
  });
  const nav = await browser.navigate(logout);
  assert.ok(nav.location, `no redirect: ${nav.status} ${nav.body.slice(0, 200)}`);
  assert.equal(nav.status, 303);
  assert.equal(`${nav.location.origin}${nav.location.pathname}`, a.post_logout_redirect_uri);
  assert.equal(nav.location.searchParams.get('state'), state);

  for (const client of [a, b]) {
    const p = await authParams(client, { prompt: 'none' });
    const step = await authorize(browser, authorizationUrl(client, p));
    assert.equal(step.kind, 'callback');
    assert.equal(step.url.searchParams.get('error'), 'login_required', `${client.client_id} after logout`);
  }

  for (const [client, flow] of backchannel ? [[a, flowA], [b, flowB]] : []) {
    const { token, contentType } = await rp.logoutToken(client.client_id);
    assert.match(contentType, /^application\/x-www-form-urlencoded/);
    const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, {
      issuer: env.issuer, audience: client.client_id, typ: 'logout+jwt', algorithms: ['RS256'],
    });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.sid, flow.claims.sid);
    assert.equal(payload.sub, flow.claims.sub);
    assert.deepEqual(payload.events, { [BACKCHANNEL_EVENT]: {} });
    assert.equal(typeof payload.iat, 'number');
    assert.equal(typeof payload.jti, 'string');
    assert.equal(payload.nonce, undefined);
  }
  // C never took part in this browser's session (an outbox may deliver later: this can only
  // catch a token sent before A's and B's arrived).
  assert.equal(rp.received(c.client_id).length, 0, 'a client that had no part in the session');
});

test('two members in two browsers: sessions apart, subjects apart; one logging out leaves the other signed in', { skip: env.members.length < 2 && 'OIDC_MEMBER2_IDENTIFIER not set' }, async () => {
  const client = await registerClient(rp);
  const config = await configFor(client);
  const [one, two] = [new Browser('one'), new Browser('two')];
  const flowOne = await codeFlow(one, config, client);
  const flowTwo = await codeFlow(two, config, client, { login: { member: env.members[1] } });
  assert.notEqual(flowOne.claims.sub, flowTwo.claims.sub);
  assert.notEqual(flowOne.claims.sid, flowTwo.claims.sid);

  const nav = await one.navigate(oc.buildEndSessionUrl(config, {
    id_token_hint: flowOne.tokens.id_token, post_logout_redirect_uri: client.post_logout_redirect_uri, state: 'x',
  }));
  assert.equal(nav.location.searchParams.get('state'), 'x');
  if (backchannel) {
    const { token } = await rp.logoutToken(client.client_id);
    assert.equal(decodeJwt(token).payload.sid, flowOne.claims.sid);
  }

  const silent = await codeFlow(two, config, client, { extra: { prompt: 'none' } });
  assert.equal(silent.claims.sub, flowTwo.claims.sub);
  const gone = await authorize(one, authorizationUrl(client, await authParams(client, { prompt: 'none' })));
  assert.equal(gone.url.searchParams.get('error'), 'login_required');
});
