// Account creation through the portal (seed 003): the NIR's 13 digits, a new Connect identity
// (the gauge weighs the password), the personal information checked against the registry, the
// activation link's page, then the first login with the email.
import { after, before, test } from 'node:test';
import { PORTAL, assert, journey, launch, link, newMember, shot, submit } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a member creates an Espace personnel, activates it from the mail and logs in with the email', async () => {
  const member = await newMember({ firstName: 'Nina', lastName: 'Lambert' });
  await journey(browser, 'registration', async (page) => {
    await page.goto(`${PORTAL}/login.html`);
    await page.getByRole('link', { name: 'Créer mon Espace personnel' }).click();
    await page.getByLabel('Votre numéro de sécurité sociale').fill(member.nir.slice(0, 13));
    await submit(page, 'Continuer', { path: /^\/v1\/flows\/registration$/, status: 201 });

    await page.locator('#app[data-state=identity]').waitFor();
    // « J'ai déjà un compte … Connect » asks only the identity's email and password.
    await page.getByLabel("J'ai déjà un compte").check();
    assert.equal(await page.getByLabel('Confirmez le mot de passe').isVisible(), false);
    await page.getByLabel("Je n'ai pas encore de compte").check();
    await page.getByLabel("Votre courriel d'identification").fill(member.email);
    await page.getByLabel('Mot de passe', { exact: true }).pressSequentially('Lambert-Nina1');
    await page.locator('.gauge[data-level]:not([data-level=""])').waitFor();
    await page.getByLabel('Mot de passe', { exact: true }).fill('');
    await page.getByLabel('Mot de passe', { exact: true }).pressSequentially('Vacances-Ete2026!');
    await page.locator('.gauge[data-level=fort]').waitFor();
    await page.getByLabel('Confirmez le mot de passe').fill('Vacances-Ete2026!');
    await page.getByLabel('Ma question secrète').selectOption('first_car');
    await page.getByLabel('Réponse à la question secrète').fill('Renault');
    await shot(page, 'registration-identity');
    await submit(page, 'Continuer', { path: /\/steps\/identity$/, status: 200 });

    await page.locator('#app[data-state=personal_info]').waitFor();
    await page.getByLabel('Clé de votre n° de sécurité sociale').fill(member.nir.slice(13));
    await page.getByLabel('Nom de famille').fill('lambert'); // compared without case
    await page.getByLabel('Date de naissance').fill(member.birthDateFr);
    await page.getByLabel('Téléphone portable').fill(member.mobile_phone);
    await submit(page, 'Continuer', { path: /\/steps\/personal_info$/, status: 200 });
    await page.locator('#app[data-state=activation_sent]').waitFor();
    await page.getByText('Vous avez 15 jours pour cliquer sur le lien').waitFor(); // the API's words
    await shot(page, 'registration-sent');

    const token = await link('/activation', member.email);
    await page.goto(`${PORTAL}/activation?token=${token}`);
    await page.locator('#app[data-state=activated]').waitFor();
    await page.getByRole('link', { name: 'Se connecter' }).last().click();
    await page.getByLabel('Identifiant').fill(member.email);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Vacances-Ete2026!');
    await submit(page, 'Se connecter', { path: /^\/v1\/sessions$/, status: 200 });
    await page.locator('#app[data-state=home]').waitFor();
    assert.equal(await page.getByTestId('member-name').innerText(), 'Nina Lambert');
  });
});
