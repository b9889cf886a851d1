// A site signs a member in through Guichet, the OpenID Connect provider itself (SPEC.md §9): the
// site's request → the portal's login page (GUICHET_LOGIN_URL) → the member logs in → the portal
// accepts → Guichet sets its single sign-on cookie and sends the code back to the site. A second
// request from the same browser then comes back with a code without the login page, and the
// site's logout ends it. The site's callback is answered in the browser (the site is not the
// subject here: test/oidc/ runs real relying parties against the same endpoints).
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { API, PORTAL, admin, assert, emailAccount, journey, launch, newMember, shot, submit } from './lib.mjs';

// The site's pages (its callback and its logged-out page): what arrives there is recorded.
// (Playwright's page.route does not see the requests a redirect makes, so a real server.)
const arrivals = [];
let site;
let browser;
before(async () => {
  browser = await launch();
  site = createServer((request, response) => {
    const url = new URL(request.url, 'http://site');
    if (url.pathname === '/cb') arrivals.push(url);  // not the browser's /favicon.ico
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<h1>MGEN Avantage</h1>');
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
});
after(async () => { await browser?.close(); site?.close(); });

const b64url = (bytes) => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

test('a second site signs the member in by single sign-on, and its logout ends the session', async () => {
  const member = await newMember({ firstName: 'Louise', lastName: 'Perrin' });
  await emailAccount(member, 'Vacances-Ete2026!');
  const client = `site-${randomBytes(4).toString('hex')}`;
  const origin = `http://127.0.0.1:${site.address().port}`;
  const callback = `${origin}/cb`;
  await admin('PUT', `/v1/admin/oidc-clients/${client}`, {
    name: 'MGEN Avantage', type: 'confidential', secret: randomBytes(24).toString('hex'),
    redirect_uris: [callback], post_logout_redirect_uris: [`${origin}/au-revoir`],
  });
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const authorize = (state) => `${API}/oauth2/authorize?client_id=${client}&response_type=code&scope=openid%20email`
    + `&redirect_uri=${encodeURIComponent(callback)}&state=${state}&nonce=n-${state}&code_challenge=${challenge}&code_challenge_method=S256`;

  await journey(browser, 'single-sign-on', async (page) => {
    await page.goto(authorize('first'));
    await page.getByText('Pour continuer vers MGEN Avantage, connectez-vous.').waitFor();
    await page.getByLabel('Identifiant').fill(member.email);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Vacances-Ete2026!');
    await shot(page, 'single-sign-on-login');
    await submit(page, 'Se connecter', { path: /^\/v1\/sessions$/, status: 200 });
    await page.waitForURL((url) => url.href.startsWith(callback));
    const first = arrivals.at(-1);
    assert.equal(first.searchParams.get('state'), 'first');
    assert.ok(first.searchParams.get('code'), 'a code for the site');
    assert.equal(first.searchParams.get('iss'), new URL(API).origin);
    const cookies = await page.context().cookies(API);
    assert.ok(cookies.some((c) => c.name === '__Host-guichet_sso' && c.httpOnly && c.secure), 'the single sign-on cookie, on the provider\'s origin');

    // Single sign-on: the provider answers from its cookie, the portal is not involved.
    const portalRequests = [];
    page.on('request', (request) => { if (request.url().startsWith(PORTAL)) portalRequests.push(request.url()); });
    await page.goto(authorize('second'));
    await page.waitForURL((url) => url.href.startsWith(callback) && url.searchParams.get('state') === 'second');
    assert.ok(arrivals.at(-1).searchParams.get('code'));
    assert.notEqual(arrivals.at(-1).searchParams.get('code'), first.searchParams.get('code'));
    assert.deepEqual(portalRequests, [], 'no login page the second time');

    // prompt=none after the provider's logout: the session is over.
    await page.goto(`${API}/oauth2/logout`);
    await page.goto(`${authorize('third')}&prompt=none`);
    await page.waitForURL((url) => url.href.startsWith(callback) && url.searchParams.get('state') === 'third');
    assert.equal(arrivals.at(-1).searchParams.get('error'), 'login_required');
  });
});
