// What rp_suite.mjs drives a provider with, the same for Guichet and for the oidc-provider
// stand-in: simulated browsers (a cookie jar for the issuer's origin, redirects followed by
// hand), the headless login of the portal (POST /v1/sessions, then accept the auth request),
// client registration through the admin API, and a local server that receives back-channel
// logout tokens.
import { randomBytes } from 'node:crypto';
import http from 'node:http';

export const env = {
  issuer: required('OIDC_ISSUER').replace(/\/+$/, ''),
  adminToken: required('OIDC_ADMIN_TOKEN'),
  agentId: process.env.OIDC_AGENT_ID || 'agent-1',
  // The portal's login page (GUICHET_LOGIN_URL); when set, the suite checks that the browser
  // is sent there. Never fetched.
  loginUrl: process.env.OIDC_LOGIN_URL || '',
  target: process.env.OIDC_TARGET || 'oidc-provider',
  members: [
    { identifier: required('OIDC_MEMBER_IDENTIFIER'), password: required('OIDC_MEMBER_PASSWORD') },
    ...(process.env.OIDC_MEMBER2_IDENTIFIER
      ? [{
        identifier: process.env.OIDC_MEMBER2_IDENTIFIER,
        password: required('OIDC_MEMBER2_PASSWORD'),
      }]
      : []),
  ],
  // Optional: a member whose session has pending required actions (a temporary password).
  pendingMember: process.env.OIDC_PENDING_MEMBER_IDENTIFIER
    ? {
      identifier: process.env.OIDC_PENDING_MEMBER_IDENTIFIER,
      password: required('OIDC_PENDING_MEMBER_PASSWORD'),
    }
    : undefined,
};

// Checks that only Guichet's side of the contract can pass (what the stand-in only emulates,
// or what oidc-provider does differently); see README.md.
export const guichet = env.target === 'guichet';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (see test/oidc/README.md)`);
  return value;
}

export const issuerOrigin = new URL(env.issuer).origin;

// ---------------------------------------------------------------------------------------------
// Cookies (RFC 6265, what a browser keeps for one origin): name, value, path, expiry. Secure
// cookies are sent over http too: the tests run on 127.0.0.1 without TLS (__Host-guichet_sso is
// Secure).
export class CookieJar {
  #cookies = new Map(); // `${name}\0${path}` → { name, value, path, expires }

  store(requestUrl, setCookies) {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = defaultPath(requestUrl.pathname);
      let expires = Infinity;
      let maxAgeSeen = false;
      for (const attribute of attributes) {
        const i = attribute.indexOf('=');
        const key = (i === -1 ? attribute : attribute.slice(0, i)).trim().toLowerCase();
        const val = i === -1 ? '' : attribute.slice(i + 1).trim();
        if (key === 'path' && val.startsWith('/')) path = val;
        else if (key === 'max-age' && /^-?\d+$/.test(val)) {
          maxAgeSeen = true;
          expires = Number(val) <= 0 ? -Infinity : Date.now() + Number(val) * 1000;
        } else if (key === 'expires' && !maxAgeSeen) {
          const t = Date.parse(val);
          if (!Number.isNaN(t)) expires = t;
        }
      }
      const key = `${name}\u0000${path}`;
      if (expires <= Date.now()) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path, expires });
    }
  }

  header(requestUrl) {
    const now = Date.now();
    const matching = [];
    for (const [key, cookie] of this.#cookies) {
      if (cookie.expires <= now) {
        this.#cookies.delete(key);
      } else if (pathMatches(requestUrl.pathname, cookie.path)) {
        matching.push(cookie);
      }
    }
    matching.sort((a, b) => b.path.length - a.path.length);
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  names() {
    return [...this.#cookies.values()].map((c) => c.name);
  }
}

function defaultPath(pathname) {
  const i = pathname.lastIndexOf('/');
  return i <= 0 ? '/' : pathname.slice(0, i);
}

function pathMatches(requestPath, cookiePath) {
  return requestPath === cookiePath
    || (requestPath.startsWith(cookiePath)
      && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'));
}

// ---------------------------------------------------------------------------------------------
// A browser: GETs with the issuer's cookies, following the issuer's own redirects, and stopping
// at the first redirect that leaves the issuer's origin (the client's redirect_uri, the
// portal's login page, a post-logout URI), which is never fetched.
export class Browser {
  jar = new CookieJar();
  portal = new Map(); // member identifier → { accessToken, at } (the portal's session)
  constructor(label = 'browser') {
    this.label = label;
  }

  async get(url) {
    const target = new URL(url);
    if (target.origin !== issuerOrigin) throw new Error(`${this.label}: will not fetch ${target}`);
    const cookie = this.jar.header(target);
    const res = await fetch(target, {
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    });
    this.jar.store(target, res.headers.getSetCookie());
    const body = await res.text();
    return { url: target, status: res.status, headers: res.headers, body };
  }

  // → { status, location (URL | null), hops: [{ url, status }], body, headers } of the last
  // answer from the issuer.
  async navigate(url) {
    const hops = [];
    let current = new URL(url);
    // A redirect_to straight to the client (the portal's reject): the browser goes there; not fetched.
    if (current.origin !== issuerOrigin) return { status: 303, location: current, hops, body: '', headers: new Headers() };
    for (let i = 0; i < 10; i += 1) {
      const res = await this.get(current);
      hops.push({ url: current.href, status: res.status });
      const loc = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && loc) {
        const next = new URL(loc, current);
        if (next.origin === issuerOrigin) {
          current = next;
          continue;
        }
        return { ...res, location: next, hops };
      }
      return { ...res, location: null, hops };
    }
    throw new Error(`${this.label}: more than 10 redirects from ${url}`);
  }
}

// What an authorization request led the browser to.
export function classify(nav) {
  if (nav.location) {
    const authRequest = nav.location.searchParams.get('auth_request');
    if (authRequest !== null) return { kind: 'login', authRequest, nav };
    return { kind: 'callback', url: nav.location, nav };
  }
  return { kind: 'page', nav };
}

export async function authorize(browser, authorizationUrl) {
  return classify(await browser.navigate(authorizationUrl));
}

// ---------------------------------------------------------------------------------------------
// The JSON API (what the portal's JavaScript calls, without the issuer's cookies).
export async function api(method, path, { token, body, headers = {} } = {}) {
  const res = await fetch(`${env.issuer}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

// The member logs in on the portal (POST /v1/sessions): a new portal session in that browser.
export async function portalLogin(browser, member = env.members[0]) {
  const res = await api('POST', '/v1/sessions', {
    body: { identifier: member.identifier, password: member.password },
  });
  if (res.status !== 200 || !res.json?.access_token) {
    throw new Error(`POST /v1/sessions for ${member.identifier}: ${res.status} ${res.text}`);
  }
  const pending = res.json.session?.required_actions ?? [];
  if (pending.length) {
    throw new Error(`${member.identifier} has pending required actions: ${pending.join(', ')}`);
  }
  const session = { accessToken: res.json.access_token, at: Date.now() };
  browser.portal.set(member.identifier, session);
  return session;
}

export async function acceptAuthRequest(id, accessToken) {
  return api('POST', `/v1/auth-requests/${encodeURIComponent(id)}/accept`, { token: accessToken });
}

// The portal's part for one auth request: use the browser's portal session (log in when it has
// none, or with `fresh`), accept; on 403 reauthentication_required, log in again and accept
// again, as the portal does; then the browser follows redirect_to. → classify()'s answer.
export async function completeLogin(browser, authRequest, { member = env.members[0], fresh = false } = {}) {
  let session = browser.portal.get(member.identifier);
  if (!session || fresh) session = await portalLogin(browser, member);
  let res = await acceptAuthRequest(authRequest, session.accessToken);
  if (res.status === 403 && res.json?.code === 'reauthentication_required') {
    session = await portalLogin(browser, member);
    res = await acceptAuthRequest(authRequest, session.accessToken);
  }
  if (res.status !== 200 || typeof res.json?.redirect_to !== 'string') {
    throw new Error(`accept ${authRequest}: ${res.status} ${res.text}`);
  }
  return classify(await browser.navigate(res.json.redirect_to));
}

// An authorization request in that browser up to the client's redirect_uri, through the login
// when the provider asks for it. → { url (the callback URL), loginShown, authRequest }
export async function signIn(browser, authorizationUrl, options = {}) {
  let step = await authorize(browser, authorizationUrl);
  let loginShown = false;
  let authRequest;
  if (step.kind === 'login') {
    loginShown = true;
    ({ authRequest } = step);
    step = await completeLogin(browser, authRequest, options);
  }
  if (step.kind !== 'callback') {
    throw new Error(`authorization did not come back to the client: ${step.nav.status} ${step.nav.body?.slice(0, 300)}`);
  }
  return { url: step.url, loginShown, authRequest };
}

// ---------------------------------------------------------------------------------------------
// Back-channel logout receiver and the clients' (never fetched) redirect URIs, on 127.0.0.1.
export class RelyingPartyServer {
  #server;
  #tokens = new Map(); // client_id → [{ token, contentType }]
  #waiters = new Map(); // client_id → [resolve]

  async start() {
    this.#server = http.createServer((req, res) => {
      const m = /^\/bcl\/([^/?]+)$/.exec(req.url);
      if (req.method !== 'POST' || !m) {
        res.writeHead(404).end();
        return;
      }
      const clientId = decodeURIComponent(m[1]);
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const contentType = req.headers['content-type'] ?? '';
        const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('logout_token');
        res.writeHead(200, { 'cache-control': 'no-store', 'content-length': 0 }).end();
        const list = this.#tokens.get(clientId) ?? [];
        list.push({ token, contentType });
        this.#tokens.set(clientId, list);
        for (const resolve of this.#waiters.get(clientId) ?? []) resolve();
        this.#waiters.delete(clientId);
      });
    });
    await new Promise((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${this.#server.address().port}`;
  }

  async stop() {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  received(clientId) {
    return this.#tokens.get(clientId) ?? [];
  }

  // The first logout token for that client; Guichet delivers through its outbox, later than
  // the logout's answer, so this waits for the POST (an event, not a guess), up to timeoutMs.
  async logoutToken(clientId, timeoutMs = 20000) {
    if (!this.received(clientId).length) {
      let timer;
      await Promise.race([
        new Promise((resolve) => {
          const list = this.#waiters.get(clientId) ?? [];
          list.push(resolve);
          this.#waiters.set(clientId, list);
        }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no back-channel logout token for ${clientId} within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    }
    return this.received(clientId)[0];
  }
}

// ---------------------------------------------------------------------------------------------
// Client registration (PUT /v1/admin/oidc-clients/{client_id}), a new client id each time.
const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
let counter = 0;

export async function registerClient(rp, { type = 'confidential', name } = {}) {
  counter += 1;
  const clientId = `rp-${run}-${counter}`;
  const secret = type === 'confidential' ? randomBytes(32).toString('base64url') : undefined;
  const client = {
    client_id: clientId,
    type,
    secret,
    redirect_uri: `${rp.base}/cb/${clientId}`,
    post_logout_redirect_uri: `${rp.base}/logged-out/${clientId}`,
    backchannel_logout_uri: `${rp.base}/bcl/${clientId}`,
  };
  const res = await api('PUT', `/v1/admin/oidc-clients/${encodeURIComponent(clientId)}`, {
    token: env.adminToken,
    headers: { 'x-agent-id': env.agentId },
    body: {
      name: name ?? `Suite RP ${counter}`,
      type,
      ...(secret ? { secret } : {}),
      redirect_uris: [client.redirect_uri],
      post_logout_redirect_uris: [client.post_logout_redirect_uri],
      backchannel_logout_uri: client.backchannel_logout_uri,
    },
  });
  if (res.status !== 200 && res.status !== 201) {
    throw new Error(`PUT /v1/admin/oidc-clients/${clientId}: ${res.status} ${res.text}`);
  }
  client.registration = res.json;
  return client;
}

export function decodeJwt(jwt) {
  const [header, payload] = jwt.split('.').slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, payload };
}

// Until the clock is past `epochSeconds` (a deadline, not a guess at how long something
// takes).
export async function untilAfter(epochSeconds, marginMs = 50) {
  const wait = epochSeconds * 1000 + marginMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
