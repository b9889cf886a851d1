// A stand-in for Guichet's OpenID Connect provider, built on oidc-provider (a certified
// provider), following the contract of issue 16 (SPEC.md §9), so that rp_suite.mjs can be
// proved right against it before Guichet's own provider exists, and then run unchanged against
// Guichet. A test tool only: nothing of the service depends on it.
//
// One origin, plain HTTP on 127.0.0.1 (port: $STANDIN_PORT, or a free one):
// - oidc-provider at Guichet's paths (/oauth2/authorize, /oauth2/token, /oauth2/userinfo,
//   /oauth2/revoke, /oauth2/logout, /.well-known/jwks.json, discovery);
// - the headless JSON API that Guichet's portal uses, emulated: POST /v1/sessions (two fixed
//   fictitious members), GET /v1/auth-requests/{id}, POST /v1/auth-requests/{id}/accept|reject,
//   and PUT /v1/admin/oidc-clients/{client_id} (Bearer $STANDIN_ADMIN_TOKEN, X-Agent-Id).
// The authorization request's id (auth_request) is oidc-provider's interaction uid: the
// interaction URL /interaction/{uid} answers 303 to $STANDIN_LOGIN_URL?auth_request={uid}.
// oidc-provider's session cookie (guichet_sso) plays the part of __Host-guichet_sso.
//
// Prints one line `issuer=http://127.0.0.1:PORT` on stdout once it listens; stops on SIGTERM.
import { randomBytes, randomUUID, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import { finished } from 'node:stream/promises';

import { load } from './deps.mjs';

const { default: Provider, interactionPolicy } = await load('oidc-provider');

const ADMIN_TOKEN = process.env.STANDIN_ADMIN_TOKEN || randomBytes(24).toString('base64url');
const LOGIN_URL = process.env.STANDIN_LOGIN_URL || 'http://portal.invalid/connexion';
const AUTH_REQUEST_TTL = 600; // seconds, the contract's 10 minutes

// Fictitious members (no real person's data): two without pending required actions, one with
// a temporary password to replace (its session cannot accept an auth request).
const MEMBERS = [
  {
    accountId: '5b0e8f52-6a1d-4c39-9d8e-0f4f3c2a7e11',
    identifier: 'camille.martin@exemple.fr',
    password: 'Vingt-Deux-Caracteres!22',
    claims: {
      email: 'camille.martin@exemple.fr',
      email_verified: true,
      given_name: 'Camille',
      family_name: 'Martin',
    },
  },
  {
    accountId: 'c7d2a3e4-1f60-4b8a-a5c9-3e2d7b9f6a08',
    identifier: 'dominique.bernard@exemple.fr',
    password: 'Autre-Mot-De-Passe-Long!33',
    claims: {
      email: 'dominique.bernard@exemple.fr',
      email_verified: false,
      given_name: 'Dominique',
      family_name: 'Bernard',
    },
  },
  {
    accountId: '0e9b6c1d-8a47-4f2e-b3d5-7c6a1f09e2b4',
    identifier: 'alix.lefebvre@exemple.fr',
    password: 'Mot-De-Passe-Temporaire!44',
    requiredActions: ['change_password'],
    claims: {
      email: 'alix.lefebvre@exemple.fr',
      email_verified: true,
      given_name: 'Alix',
      family_name: 'Lefebvre',
    },
  },
];

// ---------------------------------------------------------------------------------------------
// oidc-provider's storage: a plain in-memory adapter (no eviction, entries expire by their ttl).
const stores = new Map(); // model name → { entries: id → { payload, expiresAt }, uids, userCodes }
const grantIndex = new Map(); // grantId → Set of [model, id]

class MemoryAdapter {
  constructor(model) {
    this.model = model;
    if (!stores.has(model)) {
      stores.set(model, { entries: new Map(), uids: new Map(), userCodes: new Map() });
    }
    ({ entries: this.store, uids: this.uids, userCodes: this.userCodes } = stores.get(model));
  }

  async upsert(id, payload, expiresIn) {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    this.store.set(id, { payload: structuredClone(payload), expiresAt });
    if (payload.grantId) {
      if (!grantIndex.has(payload.grantId)) grantIndex.set(payload.grantId, new Set());
      grantIndex.get(payload.grantId).add(`${this.model}\u0000${id}`);
    }
    if (payload.uid) this.uids.set(payload.uid, id);
    if (payload.userCode) this.userCodes.set(payload.userCode, id);
  }

  async find(id) {
    const entry = this.store.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.store.delete(id);
      return undefined;
    }
    return structuredClone(entry.payload);
  }

  async findByUid(uid) {
    const id = this.uids.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = this.userCodes.get(userCode);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const entry = this.store.get(id);
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    this.store.delete(id);
  }

  async revokeByGrantId(grantId) {
    for (const key of grantIndex.get(grantId) ?? []) {
      const [model, id] = key.split('\u0000');
      stores.get(model)?.entries.delete(id);
    }
    grantIndex.delete(grantId);
  }
}

// ---------------------------------------------------------------------------------------------
// The emulated portal API's state.
const portalSessions = new Map(); // access token → { accountId, authTime (s), authTimeMs, requiredActions }
const authRequests = new Map(); // interaction uid → { createdMs, clientId, params, state }

function memberById(accountId) {
  return MEMBERS.find((m) => m.accountId === accountId);
}

// ---------------------------------------------------------------------------------------------
// The provider.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: `standin-${randomBytes(6).toString('hex')}`,
  alg: 'RS256',
  use: 'sig',
};

// Every client is one of the insurer's own sites or apps: no consent screen. The grant is
// made here, with the requested scopes, whenever the member has none for that client.
async function loadExistingGrant(ctx) {
  const { oidc } = ctx;
  const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
  if (grantId) {
    const grant = await oidc.provider.Grant.find(grantId);
    if (grant) {
      grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
      await grant.save();
      return grant;
    }
  }
  const grant = new oidc.provider.Grant({
    clientId: oidc.client.clientId,
    accountId: oidc.session.accountId,
  });
  grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
  await grant.save();
  return grant;
}

const policy = interactionPolicy.base();
// Mobile apps (private-use scheme redirects, application_type native) get no consent screen
// either.
policy.get('consent').checks.remove('native_client_prompt');

function problemBody(status, code, title, extra = {}) {
  return { type: 'about:blank', title, status, code, ...extra };
}

async function listen() {
  const server = http.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(process.env.STANDIN_PORT || 0), '127.0.0.1', resolve);
  });
  return server;
}

const server = await listen();
const ISSUER = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(ISSUER, {
  adapter: MemoryAdapter,
  clients: [],
  jwks: { keys: [signingKey] },
  cookies: {
    keys: [randomBytes(32).toString('base64url')],
    names: { session: 'guichet_sso' },
  },
  async findAccount(ctx, sub) {
    const member = memberById(sub);
    if (!member) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, ...member.claims };
      },
    };
  },
  scopes: ['openid', 'email', 'profile'],
  claims: {
    openid: ['sub', 'amr'], // amr: the login's methods (["pwd"]), in the id_token
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name'],
  },
  // The contract puts the scope's claims in the id_token too, not in userinfo only.
  conformIdTokenClaims: false,
  responseTypes: ['code'],
  clientDefaults: {
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
    require_auth_time: true, // the contract's id_tokens always carry auth_time
  },
  enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
  allowOmittingSingleRegisteredRedirectUri: false,
  pkce: { required: (ctx, client) => client.clientAuthMethod === 'none' },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  loadExistingGrant,
  ttl: { Interaction: AUTH_REQUEST_TTL },
  interactions: {
    policy,
    async url(ctx, interaction) {
      authRequests.set(interaction.uid, {
        createdMs: Date.now(),
        clientId: interaction.params.client_id,
        params: interaction.params,
        state: 'pending',
      });
      return `/interaction/${interaction.uid}`;
    },
  },
  fetch: (url, options) => loopbackFetch(url, options),
  clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
  features: {
    devInteractions: { enabled: false },
    pushedAuthorizationRequests: { enabled: false },
    dPoP: { enabled: false },
    revocation: { enabled: true },
    userinfo: { enabled: true },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // RP-initiated logout ends the session at once, with no confirmation page: instead of
      // the page with its form, the browser is sent to /oauth2/logout/auto, which the
      // middleware below turns into the form's POST to /oauth2/logout/confirm (logout=yes).
      async logoutSource(ctx) {
        const { secret } = ctx.oidc.session.state;
        ctx.status = 303;
        ctx.redirect(`/oauth2/logout/auto?xsrf=${encodeURIComponent(secret)}`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.type = 'application/json';
        ctx.body = { logged_out: true };
      },
    },
  },
  routes: {
    authorization: '/oauth2/authorize',
    token: '/oauth2/token',
    userinfo: '/oauth2/userinfo',
    revocation: '/oauth2/revoke',
    end_session: '/oauth2/logout',
    jwks: '/.well-known/jwks.json',
  },
  // Authorization errors that cannot go back to the client (unknown client, unregistered
  // redirect_uri): a page-less 400 application/problem+json, as the contract says.
  async renderError(ctx, out) {
    ctx.type = 'application/problem+json';
    ctx.body = problemBody(ctx.status, out.error, out.error, { detail: out.error_description });
  },
});

// oidc-provider refuses to send requests to special-use addresses (SSRF protection); the
// stand-in's only outgoing requests are the back-channel logout tokens to the suite's server on
// the loopback address, so those, and only those, are let through.
function loopbackFetch(url, options) {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1' && hostname !== '[::1]' && hostname !== 'localhost') {
    return Promise.reject(new Error(`the stand-in only calls loopback addresses, not ${hostname}`));
  }
  const { dispatcher, ...rest } = options;
  return fetch(url, rest);
}

provider.on('backchannel.error', (ctx, err, client) => {
  console.error(`back-channel logout to ${client.clientId} failed: ${err.message}`);
});
provider.on('server_error', (ctx, err) => {
  console.error('server_error', err);
});

provider.use(async (ctx, next) => {
  if (ctx.method === 'GET' && ctx.path === '/oauth2/logout/auto') {
    // The logout form's submission (see logoutSource), pre-parsed for oidc-provider.
    const body = { xsrf: String(ctx.query.xsrf ?? ''), logout: 'yes' };
    ctx.req.resume();
    await finished(ctx.req);
    const raw = new URLSearchParams(body).toString();
    ctx.method = 'POST';
    ctx.url = '/oauth2/logout/confirm';
    ctx.req.headers['content-type'] = 'application/x-www-form-urlencoded';
    ctx.req.headers['content-length'] = String(Buffer.byteLength(raw));
    ctx.request.body = body;
  }
  await next();
});

const providerCallback = provider.callback();

// ---------------------------------------------------------------------------------------------
// The emulated JSON API.
function send(res, status, body, type = 'application/json') {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function problem(res, status, code, title, extra) {
  send(res, status, problemBody(status, code, title, extra), 'application/problem+json');
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return Symbol.for('invalid');
  }
}

function bearer(req) {
  const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  return m ? m[1] : undefined;
}

function isLoopback(host) {
  return host === '127.0.0.1' || host === '[::1]' || host === 'localhost';
}

// https, http on a loopback address, or (public clients) a private-use scheme such as
// fr.mgen.app:/cb (RFC 8252).
function uriAllowed(value, type) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash) return false;
  if (url.protocol === 'https:') return true;
  if (url.protocol === 'http:') return isLoopback(url.hostname);
  return type === 'public' && /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol);
}

function clientView(id, meta) {
  return {
    id,
    name: meta.client_name,
    type: meta.token_endpoint_auth_method === 'none' ? 'public' : 'confidential',
    redirect_uris: meta.redirect_uris,
    post_logout_redirect_uris: meta.post_logout_redirect_uris ?? [],
    backchannel_logout_uri: meta.backchannel_logout_uri ?? null,
  };
}

async function putClient(req, res, clientId) {
  if (bearer(req) !== ADMIN_TOKEN) return problem(res, 401, 'unauthorized', 'Non authentifié');
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(req.headers['x-agent-id'] ?? '')) {
    return problem(res, 400, 'validation_error', 'X-Agent-Id manquant');
  }
  const body = await readJson(req);
  const invalid = (detail) => problem(res, 400, 'validation_error', 'Requête invalide', { detail });
  if (!body || typeof body !== 'object') return invalid('JSON object expected');
  const {
    name, type, secret, redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogout = [], backchannel_logout_uri: backchannel,
  } = body;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(clientId)) return invalid('client_id');
  if (typeof name !== 'string' || !name) return invalid('name');
  if (type !== 'confidential' && type !== 'public') return invalid('type');
  if (type === 'confidential' && (typeof secret !== 'string' || secret.length < 32)) {
    return invalid('secret: at least 32 characters for a confidential client');
  }
  if (type === 'public' && secret !== undefined) return invalid('secret: public clients have none');
  if (!Array.isArray(redirectUris) || !redirectUris.length
      || !redirectUris.every((u) => uriAllowed(u, type))) return invalid('redirect_uris');
  if (!Array.isArray(postLogout) || !postLogout.every((u) => uriAllowed(u, type))) {
    return invalid('post_logout_redirect_uris');
  }
  if (backchannel !== undefined && !uriAllowed(backchannel, 'confidential')) {
    return invalid('backchannel_logout_uri');
  }
  const native = [...redirectUris].some((u) => !/^https?:/.test(u));
  const metadata = {
    client_id: clientId,
    client_name: name,
    application_type: native ? 'native' : 'web',
    token_endpoint_auth_method: type === 'public' ? 'none' : 'client_secret_basic',
    ...(type === 'confidential' ? { client_secret: secret } : {}),
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogout,
    ...(backchannel ? {
      backchannel_logout_uri: backchannel,
      backchannel_logout_session_required: true,
    } : {}),
  };
  try {
    await provider.Client.validate(metadata);
  } catch (err) {
    return invalid(err.error_description || err.message);
  }
  const adapter = new MemoryAdapter('Client');
  const existed = await adapter.find(clientId);
  await adapter.upsert(clientId, metadata);
  return send(res, existed ? 200 : 201, clientView(clientId, metadata));
}

async function postSession(req, res) {
  const body = await readJson(req);
  if (!body || typeof body.identifier !== 'string' || typeof body.password !== 'string') {
    return problem(res, 400, 'validation_error', 'Requête invalide');
  }
  const member = MEMBERS.find((m) => m.identifier === body.identifier.trim().toLowerCase()
    && m.password === body.password);
  if (!member) return problem(res, 401, 'invalid_credentials', 'Identifiant ou mot de passe incorrect');
  const accessToken = randomBytes(32).toString('base64url');
  const now = Date.now();
  const session = {
    id: randomUUID(),
    accountId: member.accountId,
    authTimeMs: now,
    authTime: Math.floor(now / 1000),
    requiredActions: member.requiredActions ?? [],
  };
  portalSessions.set(accessToken, session);
  return send(res, 200, {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: 900,
    refresh_token: randomBytes(32).toString('base64url'),
    session: { id: session.id, required_actions: session.requiredActions },
  });
}

// The client's redirect_uri with error=access_denied: where an expired or used request sends
// the browser back, so that the client can start again.
function deniedRedirect(record) {
  const url = new URL(record.params.redirect_uri);
  url.searchParams.set('error', 'access_denied');
  if (record.params.state !== undefined) url.searchParams.set('state', record.params.state);
  url.searchParams.set('iss', ISSUER);
  return url.href;
}

// The auth request, or an answer already sent (404, 409, 410).
async function authRequest(res, id) {
  const record = authRequests.get(id);
  if (!record) {
    problem(res, 404, 'auth_request_not_found', 'Demande introuvable');
    return undefined;
  }
  const client = await provider.Client.find(record.clientId);
  const extra = { redirect_to: deniedRedirect(record), client_name: client?.clientName ?? null };
  if (record.state !== 'pending') {
    problem(res, 409, 'auth_request_used', 'Demande déjà traitée', extra);
    return undefined;
  }
  const interaction = await provider.Interaction.find(id);
  if (!interaction) {
    problem(res, 410, 'auth_request_expired', 'Demande expirée', extra);
    return undefined;
  }
  return { record, interaction, client };
}

async function getAuthRequest(res, id) {
  const found = await authRequest(res, id);
  if (!found) return undefined;
  const { interaction, client } = found;
  const { params } = interaction;
  return send(res, 200, {
    id,
    client: { id: client.clientId, name: client.clientName },
    scopes: String(params.scope ?? '').split(' ').filter(Boolean),
    login_hint: params.login_hint ?? null,
    prompt: String(params.prompt ?? '').split(' ').filter(Boolean),
    max_age: params.max_age === undefined ? null : Number(params.max_age),
    expires_at: new Date(interaction.exp * 1000).toISOString(),
  });
}

async function acceptAuthRequest(req, res, id) {
  const session = portalSessions.get(bearer(req));
  if (!session) return problem(res, 401, 'unauthorized', 'Non authentifié');
  const found = await authRequest(res, id);
  if (!found) return undefined;
  const { record, interaction } = found;
  if (session.requiredActions.length) {
    return problem(res, 403, 'required_actions_pending', 'Actions requises en attente', {
      required_actions: session.requiredActions,
    });
  }
  const { params } = interaction;
  const prompts = String(params.prompt ?? '').split(' ');
  const nowS = Math.floor(Date.now() / 1000);
  // prompt=login asks for a login made for this request; max_age for one recent enough (the
  // same comparison as oidc-provider's, so that the request does not come back here).
  if ((prompts.includes('login') && session.authTimeMs < record.createdMs)
      || (params.max_age !== undefined && nowS - session.authTime > Number(params.max_age))) {
    return problem(res, 403, 'reauthentication_required', 'Veuillez saisir à nouveau votre mot de passe');
  }
  interaction.result = {
    login: { accountId: session.accountId, ts: session.authTime, amr: ['pwd'], remember: true },
  };
  await interaction.save(interaction.exp - nowS);
  record.state = 'accepted';
  return send(res, 200, { redirect_to: interaction.returnTo });
}

async function rejectAuthRequest(res, id) {
  const found = await authRequest(res, id);
  if (!found) return undefined;
  const { record, interaction } = found;
  interaction.result = { error: 'access_denied', error_description: 'the member declined' };
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
  record.state = 'rejected';
  return send(res, 200, { redirect_to: interaction.returnTo });
}

async function api(req, res, url) {
  const { pathname } = url;
  let m;
  if (req.method === 'POST' && pathname === '/v1/sessions') return postSession(req, res);
  if ((m = /^\/v1\/admin\/oidc-clients\/([^/]+)$/.exec(pathname)) && req.method === 'PUT') {
    return putClient(req, res, decodeURIComponent(m[1]));
  }
  if ((m = /^\/v1\/auth-requests\/([^/]+)$/.exec(pathname)) && req.method === 'GET') {
    return getAuthRequest(res, decodeURIComponent(m[1]));
  }
  if ((m = /^\/v1\/auth-requests\/([^/]+)\/(accept|reject)$/.exec(pathname)) && req.method === 'POST') {
    const id = decodeURIComponent(m[1]);
    return m[2] === 'accept' ? acceptAuthRequest(req, res, id) : rejectAuthRequest(res, id);
  }
  return problem(res, 404, 'not_found', 'Introuvable');
}

server.on('request', (req, res) => {
  const url = new URL(req.url, ISSUER);
  if (url.pathname.startsWith('/v1/')) {
    api(req, res, url).catch((err) => {
      console.error(err);
      if (!res.headersSent) problem(res, 500, 'internal_error', 'Erreur interne');
    });
    return;
  }
  const m = /^\/interaction\/([^/]+)$/.exec(url.pathname);
  if (m && req.method === 'GET') {
    const login = new URL(LOGIN_URL);
    login.searchParams.set('auth_request', decodeURIComponent(m[1]));
    res.writeHead(303, { location: login.href, 'content-length': 0 });
    res.end();
    return;
  }
  providerCallback(req, res);
});

function stop() {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
console.log(`issuer=${ISSUER}`);
