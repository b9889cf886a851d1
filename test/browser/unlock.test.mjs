// Lockout and self-service unlock through the portal's pages (seeds 000, 001), then the first
// login with the temporary password (seed 004: personalisation with the live gauge, contacts,
// email code) and the identifier switch (seed 002), as one member lives it.
import { after, before, test } from 'node:test';
import { PORTAL, alertText, assert, journey, launch, legacyAccount, link, mailSecret, newMember, shot, smsSecret, submit } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const LOGIN = { path: /^\/v1\/sessions$/ };

// Three wrong passwords, then the right one: the identifier is locked (seed 000).
async function lockOut(page, member, password) {
  await page.goto(`${PORTAL}/login.html`);
  await page.getByLabel('Identifiant').fill(member.nir);
  for (const wrong of ['Mauvais-1!', 'Mauvais-2!', 'Mauvais-3!']) {
    await page.getByLabel('Mot de passe', { exact: true }).fill(wrong);
    await submit(page, 'Se connecter', { ...LOGIN, status: 401 });
  }
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await submit(page, 'Se connecter', { ...LOGIN, status: 423 });
  const alert = page.getByRole('alert').filter({ hasText: 'bloqué' });
  await alert.waitFor();
  return alert;
}

async function unlockStart(page, member) {
  await page.waitForURL(/\/unlock\.html$/);
  await page.getByLabel('N° de sécurité sociale').fill(member.nir);
  await page.getByLabel('Date de naissance').fill(member.birthDateFr);
  await submit(page, 'Suivant', { path: /^\/v1\/flows\/unlock$/, status: 201 });
  await page.locator('#app[data-state=choose_channel]').waitFor();
}

test('a locked member unlocks by SMS, personalises the temporary password, confirms contacts and email, switches identifier', async () => {
  const member = await newMember({ firstName: 'Lucie', lastName: 'Garnier' });
  await legacyAccount(member, 'Ancien-Mot2passe!');
  await journey(browser, 'unlock-sms', async (page) => {
    const alert = await lockOut(page, member, 'Ancien-Mot2passe!');
    await shot(page, 'login-locked');
    await alert.getByRole('link', { name: 'Débloquez votre compte.' }).click();

    await unlockStart(page, member);
    await page.getByLabel(`Par SMS au ${member.maskedMobile}`).check();
    await shot(page, 'unlock-channel');
    await submit(page, 'Suivant', { path: /\/steps\/channel$/, status: 200 });
    await page.locator('#app[data-state=temp_password_sent]').waitFor();
    await page.getByText(`Un SMS vous a été envoyé au ${member.maskedMobile}`).waitFor(); // the API's words
    const temporary = await smsSecret(member.mobileE164, /temporaire est (\S+) \(/);

    await page.getByRole('link', { name: 'Se connecter avec le mot de passe temporaire' }).click();
    await page.getByLabel('Identifiant').fill(member.nir);
    await page.getByLabel('Mot de passe', { exact: true }).fill(temporary);
    await submit(page, 'Se connecter', { ...LOGIN, status: 200 });

    // Personalisation (seed 004): the gauge follows the typing; `faible` is refused.
    await page.waitForURL(/\/password\.html$/);
    const password = page.getByLabel('Votre nouveau mot de passe', { exact: true });
    const gauge = page.locator('.gauge');
    await password.pressSequentially('garnier');
    await page.locator('.gauge[data-level=faible]').waitFor();
    assert.ok((await gauge.locator('li').count()) > 0, 'the API\'s advice shows under a weak password');
    await shot(page, 'password-weak');
    await password.fill('');
    await password.pressSequentially('Lucie1980!');
    await page.getByLabel('Confirmer le mot de passe').fill('Lucie1980!');
    await submit(page, 'Suivant', { path: /^\/v1\/me\/password$/, method: 'PUT', status: 422 });
    await page.locator('.field-error:visible').filter({ hasText: 'trop faible' }).waitFor(); // password_too_weak, at the field
    await password.fill('');
    await password.pressSequentially('Brise-Marine-Ocre42');
    await page.locator('.gauge[data-level=fort]').waitFor();
    await shot(page, 'password-strong');
    await page.getByLabel('Confirmer le mot de passe').fill('Brise-Marine-Ocre41');
    await submit(page, 'Suivant', { path: /^\/v1\/me\/password$/, method: 'PUT', status: 422 });
    await page.locator('.field-error:visible').filter({ hasText: 'ne sont pas identiques' }).waitFor(); // password_mismatch
    await page.getByLabel('Confirmer le mot de passe').fill('Brise-Marine-Ocre42');
    await submit(page, 'Suivant', { path: /^\/v1\/me\/password$/, method: 'PUT', status: 200 });

    // Contacts, prefilled from GET /v1/me.
    await page.waitForURL(/\/contacts\.html$/);
    await page.getByText('Votre mot de passe a bien été modifié.').waitFor();
    assert.equal(await page.getByLabel('Votre adresse email').inputValue(), member.email);
    await shot(page, 'contacts');
    await submit(page, 'Je confirme mes coordonnées', { path: /^\/v1\/me\/contacts$/, method: 'PUT', status: 200 });

    // The 4-digit code mailed to the contact email.
    await page.waitForURL(/\/email\.html$/);
    await page.locator('#app[data-state=code_sent]').waitFor();
    const code = await mailSecret(member.email, /confirmation est : (\d{4})/);
    await page.getByLabel('Saisir le code de confirmation').fill(code);
    await shot(page, 'email-code');
    await submit(page, 'Valider', { path: /^\/v1\/me\/email-verification\/confirm$/, status: 200 });

    // Then the switch (required after a NIR login), with the password just chosen.
    await page.waitForURL(/\/switch\.html$/);
    await page.getByText('Votre adresse email a été vérifiée.').waitFor();
    await submit(page, 'Continuer', { path: /\/steps\/email$/, status: 200 });
    await page.getByLabel('Votre mot de passe actuel').fill('Brise-Marine-Ocre42');
    await page.getByLabel('Votre nouveau mot de passe', { exact: true }).fill('Automne-Pluie2027?');
    await page.getByLabel('Confirmez le mot de passe').fill('Automne-Pluie2027?');
    await page.getByLabel('Ma question secrète').selectOption('first_school');
    await page.getByLabel('Réponse à la question secrète').fill('Jules Ferry');
    await submit(page, 'Valider', { path: /\/steps\/credentials$/, status: 200 });
    await page.getByRole('button', { name: 'Accéder à mon Espace personnel' }).click();
    await page.locator('#app[data-state=home]').waitFor();
  });
});

test('a locked member unlocks by email: the reset link\'s page sets a new password and opens the session', async () => {
  const member = await newMember({ firstName: 'Marc', lastName: 'Lemoine' });
  await legacyAccount(member, 'Ancien-Mot2passe!');
  await journey(browser, 'unlock-email', async (page) => {
    const alert = await lockOut(page, member, 'Ancien-Mot2passe!');
    await alert.getByRole('link', { name: 'Débloquez votre compte.' }).click();
    await unlockStart(page, member);
    await page.getByLabel("Par email à l'adresse").check();
    await submit(page, 'Suivant', { path: /\/steps\/channel$/, status: 200 });
    await page.locator('#app[data-state=link_sent]').waitFor();

    // The mail's link, on the portal's origin (the path the API writes: /reinitialisation?token=…).
    const token = await link('/reinitialisation', member.email);
    await page.goto(`${PORTAL}/reinitialisation?token=${token}`);
    await page.getByLabel('Votre nouveau mot de passe', { exact: true }).pressSequentially('Printemps-Pluie29!');
    await page.locator('.gauge[data-level=fort]').waitFor();
    await page.getByLabel('Confirmez votre nouveau mot de passe').fill('Printemps-Pluie29!');
    await shot(page, 'reset');
    await submit(page, 'Valider', { path: /^\/v1\/password-resets$/, status: 200 });
    await page.locator('#app[data-state=home]').waitFor();
    await page.getByText('Votre mot de passe a bien été modifié.').waitFor();
  });
});

test('unlocking an account that is not locked points to the forgotten-password procedure', async () => {
  const member = await newMember({ firstName: 'Inès', lastName: 'Caron' });
  await legacyAccount(member, 'Ancien-Mot2passe!');
  await journey(browser, 'unlock-not-locked', async (page) => {
    await page.goto(`${PORTAL}/unlock.html`);
    await page.getByLabel('N° de sécurité sociale').fill(member.nir);
    await page.getByLabel('Date de naissance').fill(member.birthDateFr);
    await submit(page, 'Suivant', { path: /^\/v1\/flows\/unlock$/, status: 409 });
    assert.match(await alertText(page), /Votre compte n'est pas bloqué\./);
    await page.getByRole('alert').getByRole('link', { name: "J'ai oublié mon mot de passe" }).click();
    await page.waitForURL(/\/recovery\.html$/);
  });
});
