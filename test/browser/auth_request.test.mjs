// The login page of an OpenID Connect authorisation request (SPEC.md §9): GUICHET_LOGIN_URL is
// login.html, which the provider sends the browser to with ?auth_request=ID. The provider's
// JSON routes (/v1/auth-requests/…) are not in the service yet: these tests answer them in the
// browser, as /tmp/oidc_contract.md describes them, while the login, the session and the
// required actions are the real API's. When the provider lands, the same page runs against it.
import { after, before, test } from 'node:test';
import { API, PORTAL, api, assert, emailAccount, journey, launch, legacyAccount, newMember, shot, submit } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CLIENT = { id: 'mgen-avantage', name: 'MGEN Avantage' };
const RESUME = `${API}/oauth2/authorize/resume`;

// The contract's routes for one request: what it answers, and what the page sent it.
async function provider(page, id, { prompt = [], loginHint = null, accept = [] } = {}) {
  const seen = { accepts: [], rejects: 0 };
  const cors = { 'Access-Control-Allow-Origin': PORTAL, 'Content-Type': 'application/json' };
  const json = (route, status, body) => route.fulfill({ status, headers: status >= 400 ? { ...cors, 'Content-Type': 'application/problem+json' } : cors, body: JSON.stringify(body) });
  await page.route(`${API}/v1/auth-requests/${id}`, (route) => json(route, 200, {
    id, client: CLIENT, scopes: ['openid', 'email'], login_hint: loginHint, prompt, max_age: null,
    expires_at: new Date(Date.now() + 600_000).toISOString(),
  }));
  await page.route(`${API}/v1/auth-requests/${id}/accept`, async (route) => {
    const authorization = route.request().headers().authorization ?? '';
    // The token is a real session's: the service itself says so.
    const me = await api('GET', '/v1/me', undefined, { Authorization: authorization });
    seen.accepts.push({ status: me.status, actions: me.body?.required_actions });
    const scripted = accept.shift();
    if (scripted) return json(route, scripted.status, scripted.body);
    return json(route, 200, { redirect_to: `${RESUME}?auth_request=${id}` });
  });
  await page.route(`${API}/v1/auth-requests/${id}/reject`, (route) => {
    seen.rejects += 1;
    return json(route, 200, { redirect_to: 'http://127.0.0.1:1/cb?error=access_denied&state=s' });
  });
  // Where redirect_to leads: the provider sets its cookie and goes back to the site.
  await page.route(`${RESUME}?**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Retour au site</h1>' }));
  return seen;
}

test('the page names the site, logs the member in, accepts the request and follows redirect_to', async () => {
  const member = await newMember({ firstName: 'Alice', lastName: 'Morel' });
  await emailAccount(member, 'Vacances-Ete2026!');
  await journey(browser, 'auth-request', async (page) => {
    const seen = await provider(page, 'ar-1', { loginHint: member.email });
    await page.goto(`${PORTAL}/login.html?auth_request=ar-1`);
    await page.getByText('Pour continuer vers MGEN Avantage, connectez-vous.').waitFor();
    assert.equal(await page.getByLabel('Identifiant').inputValue(), member.email, 'login_hint prefills the identifier');
    await page.getByLabel('Mot de passe', { exact: true }).fill('Vacances-Ete2026!');
    await shot(page, 'auth-request-login');
    await submit(page, 'Se connecter', { path: /^\/v1\/sessions$/, status: 200 });
    await page.waitForURL(`${RESUME}?auth_request=ar-1`);
    assert.deepEqual(seen.accepts, [{ status: 200, actions: [] }], 'accepted once, with the new session\'s token');

    // A second request from this tab: the session goes on, no form.
    const again = await provider(page, 'ar-2');
    await page.goto(`${PORTAL}/login.html?auth_request=ar-2`);
    await page.waitForURL(`${RESUME}?auth_request=ar-2`);
    assert.equal(again.accepts.length, 1);
  });
});

test('prompt=login asks the password again even with a session; reauthentication_required too', async () => {
  const member = await newMember({ firstName: 'Bruno', lastName: 'Faure' });
  await emailAccount(member, 'Vacances-Ete2026!');
  await journey(browser, 'auth-request-prompt', async (page) => {
    await page.goto(`${PORTAL}/login.html`);
    await page.getByLabel('Identifiant').fill(member.email);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Vacances-Ete2026!');
    await submit(page, 'Se connecter', { path: /^\/v1\/sessions$/, status: 200 });
    await page.locator('#app[data-state=home]').waitFor();

    const fresh = await provider(page, 'ar-3', { prompt: ['login'] });
    await page.goto(`${PORTAL}/login.html?auth_request=ar-3`);
    await page.getByText('Pour continuer vers MGEN Avantage').waitFor();
    assert.equal(fresh.accepts.length, 0, 'prompt=login: not accepted with the old session');

    const stale = await provider(page, 'ar-4', { accept: [{ status: 403, body: {
      type: 'https://guichet.dev/problems/reauthentication_required', code: 'reauthentication_required', status: 403,
      title: 'Pour votre sécurité, saisissez à nouveau votre mot de passe.',
    } }] });
    await page.goto(`${PORTAL}/login.html?auth_request=ar-4`);
    await page.getByRole('alert').filter({ hasText: 'saisissez à nouveau votre mot de passe' }).waitFor();
    await page.getByLabel('Identifiant').fill(member.email);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Vacances-Ete2026!');
    await submit(page, 'Se connecter', { path: /^\/v1\/sessions$/, status: 200 });
    await page.waitForURL(`${RESUME}?auth_request=ar-4`);
    assert.equal(stale.accepts.length, 2, 'refused with the old session, accepted with the new one');
  });
});

test('required_actions_pending sends the session to its actions, then the request is accepted', async () => {
  const member = await newMember({ firstName: 'Emma', lastName: 'Brun' });
  await legacyAccount(member, 'Ancien-Mot2passe!');
  await journey(browser, 'auth-request-pending', async (page) => {
    // A session held to the switch, from a plain login (the switch page waits, not done).
    await page.goto(`${PORTAL}/login.html`);
    await page.getByLabel('Identifiant').fill(member.nir);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Ancien-Mot2passe!');
    await submit(page, 'Se connecter', { path: /^\/v1\/sessions$/, status: 200 });
    await page.waitForURL(/\/switch\.html$/);

    const seen = await provider(page, 'ar-7', { accept: [{ status: 403, body: {
      type: 'https://guichet.dev/problems/required_actions_pending', code: 'required_actions_pending', status: 403,
      title: 'Terminez d\'abord les étapes demandées.', required_actions: ['switch_identifier'],
    } }] });
    await page.goto(`${PORTAL}/login.html?auth_request=ar-7`);
    await page.waitForURL(/\/switch\.html$/);
    await submit(page, 'Continuer', { path: /\/steps\/email$/, status: 200 });
    await page.getByLabel('Votre mot de passe actuel').fill('Ancien-Mot2passe!');
    await page.getByLabel('Votre nouveau mot de passe', { exact: true }).fill('Automne-Pluie2027?');
    await page.getByLabel('Confirmez le mot de passe').fill('Automne-Pluie2027?');
    await page.getByLabel('Ma question secrète').selectOption('first_pet');
    await page.getByLabel('Réponse à la question secrète').fill('Médor');
    await submit(page, 'Valider', { path: /\/steps\/credentials$/, status: 200 });
    await page.getByRole('button', { name: 'Accéder à mon Espace personnel' }).click();
    await page.waitForURL(`${RESUME}?auth_request=ar-7`);
    assert.deepEqual(seen.accepts, [
      { status: 200, actions: ['switch_identifier'] },
      { status: 200, actions: [] },
    ], 'refused while the switch was pending, accepted after it');
  });
});

test('a NIR login goes through its required actions, then back to the request', async () => {
  const member = await newMember({ firstName: 'Denis', lastName: 'Rey' });
  await legacyAccount(member, 'Ancien-Mot2passe!');
  await journey(browser, 'auth-request-actions', async (page) => {
    const seen = await provider(page, 'ar-5');
    await page.goto(`${PORTAL}/login.html?auth_request=ar-5`);
    await page.getByLabel('Identifiant').fill(member.nir);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Ancien-Mot2passe!');
    await submit(page, 'Se connecter', { path: /^\/v1\/sessions$/, status: 200 });
    await page.waitForURL(/\/switch\.html$/);
    await submit(page, 'Continuer', { path: /\/steps\/email$/, status: 200 });
    await page.getByLabel('Votre mot de passe actuel').fill('Ancien-Mot2passe!');
    await page.getByLabel('Votre nouveau mot de passe', { exact: true }).fill('Automne-Pluie2027?');
    await page.getByLabel('Confirmez le mot de passe').fill('Automne-Pluie2027?');
    await page.getByLabel('Ma question secrète').selectOption('first_pet');
    await page.getByLabel('Réponse à la question secrète').fill('Médor');
    await submit(page, 'Valider', { path: /\/steps\/credentials$/, status: 200 });
    await page.getByRole('button', { name: 'Accéder à mon Espace personnel' }).click();
    await page.waitForURL(`${RESUME}?auth_request=ar-5`);
    assert.deepEqual(seen.accepts, [{ status: 200, actions: [] }], 'accepted once, after the switch');
  });
});

test('an expired request says so and leads back to the site; cancel rejects it', async () => {
  await journey(browser, 'auth-request-over', async (page) => {
    await page.route(`${API}/v1/auth-requests/ar-old`, (route) => route.fulfill({
      status: 410,
      headers: { 'Access-Control-Allow-Origin': PORTAL, 'Content-Type': 'application/problem+json' },
      body: JSON.stringify({ code: 'auth_request_expired', status: 410, title: 'Cette demande de connexion a expiré.',
        redirect_to: 'http://127.0.0.1:1/cb?error=access_denied&state=s', client_name: 'MGEN Avantage' }),
    }));
    await page.goto(`${PORTAL}/login.html?auth_request=ar-old`);
    await page.getByRole('alert').filter({ hasText: 'Cette demande de connexion a expiré.' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Revenir à MGEN Avantage' }).getAttribute('href'),
      'http://127.0.0.1:1/cb?error=access_denied&state=s');
    await shot(page, 'auth-request-expired');

    const seen = await provider(page, 'ar-6');
    await page.goto(`${PORTAL}/login.html?auth_request=ar-6`);
    await page.route('http://127.0.0.1:1/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: 'site' }));
    await page.getByRole('button', { name: 'Annuler et revenir à MGEN Avantage' }).click();
    await page.waitForURL('http://127.0.0.1:1/cb?error=access_denied&state=s');
    assert.equal(seen.rejects, 1);
  });
});
