// Login on the portal (SPEC.md §3.2): by email, by NIR (then the identifier switch the API
// requires, seed 002), a wrong password, logout.
import { after, before, test } from 'node:test';
import { PORTAL, alertText, assert, emailAccount, journey, launch, legacyAccount, newMember, shot, submit } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a member logs in by email and sees the home page; logout ends the session', async () => {
  const member = await newMember({ firstName: 'Camille', lastName: 'Durand' });
  await emailAccount(member, 'Vacances-Ete2026!');
  await journey(browser, 'login-email', async (page) => {
    await page.goto(`${PORTAL}/login.html`);
    await page.getByLabel('Identifiant').fill(member.email);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Vacances-Ete2026!');
    await shot(page, 'login');
    await submit(page, 'Se connecter', { path: /^\/v1\/sessions$/, status: 200 });
    await page.waitForURL(/\/index\.html$/);
    await page.locator('#app[data-state=home]').waitFor();
    assert.equal(await page.getByTestId('member-name').innerText(), 'Camille Durand');
    await page.getByText(member.email).waitFor(); // the contacts, from GET /v1/me
    await page.getByText('(cette session)').waitFor(); // GET /v1/sessions
    await shot(page, 'home');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(/\/login\.html$/);
    await page.goto(`${PORTAL}/index.html`); // no session left in the tab: back to the login
    await page.waitForURL(/\/login\.html$/);
  });
});

test('a wrong password shows the API\'s message; the right one then logs in', async () => {
  const member = await newMember({ firstName: 'Hugo', lastName: 'Marchand' });
  await emailAccount(member, 'Vacances-Ete2026!');
  await journey(browser, 'login-wrong', async (page) => {
    await page.goto(`${PORTAL}/login.html`);
    await page.getByLabel('Identifiant').fill(member.email);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Pas-le-bon-1!');
    await submit(page, 'Se connecter', { path: /^\/v1\/sessions$/, status: 401 });
    assert.match(await alertText(page), /Identifiant ou mot de passe incorrect/);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Vacances-Ete2026!');
    await submit(page, 'Se connecter', { path: /^\/v1\/sessions$/, status: 200 });
    await page.locator('#app[data-state=home]').waitFor();
  });
});

test('a member logs in by NIR, switches to an email identifier, and is home', async () => {
  const member = await newMember({ firstName: 'Jeanne', lastName: 'Roussel' });
  await legacyAccount(member, 'Ancien-Mot2passe!');
  await journey(browser, 'login-nir', async (page) => {
    await page.goto(`${PORTAL}/login.html`);
    await page.getByLabel('Identifiant').fill(member.nir);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Ancien-Mot2passe!');
    await submit(page, 'Se connecter', { path: /^\/v1\/sessions$/, status: 200 });

    // required_actions ["switch_identifier"]: the switch, with the contact email proposed.
    await page.waitForURL(/\/switch\.html$/);
    await page.locator('#app[data-state=choose_email]').waitFor();
    assert.equal(await page.getByLabel('Adresse email').inputValue(), member.email);
    await shot(page, 'switch-email');
    await submit(page, 'Continuer', { path: /\/steps\/email$/, status: 200 });

    await page.locator('#app[data-state=new_credentials]').waitFor();
    await page.getByLabel('Votre mot de passe actuel').fill('Ancien-Mot2passe!');
    await page.getByLabel('Votre nouveau mot de passe', { exact: true }).fill('Automne-Pluie2027?');
    await page.getByLabel('Confirmez le mot de passe').fill('Automne-Pluie2027?');
    await page.getByLabel('Ma question secrète').selectOption('first_pet');
    await page.getByLabel('Réponse à la question secrète').fill('Médor');
    await shot(page, 'switch-credentials');
    await submit(page, 'Valider', { path: /\/steps\/credentials$/, status: 200 });

    await page.locator('#app[data-state=done]').waitFor();
    await page.getByRole('button', { name: 'Accéder à mon Espace personnel' }).click();
    await page.locator('#app[data-state=home]').waitFor();
    await page.getByText('Votre adresse email (identifiant Connect)').waitFor();
  });
});
