// Forgot password through the portal (seed 004; seed 002 for an email identifier): the channel,
// the 6-digit code (a new one within the minute is refused), the security question of a member
// who never logged in; an email identifier's reset link asks the secret answer.
import { after, before, test } from 'node:test';
import { PORTAL, alertText, assert, emailAccount, journey, launch, legacyAccount, link, mailSecret, newMember, shot, submit } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a member who never logged in: NIR and birth date, code by email, security question, temporary password', async () => {
  const member = await newMember({ firstName: 'Rose', lastName: 'Perrin' });
  await legacyAccount(member, 'Ancien-Mot2passe!', { hasLoggedIn: false });
  await journey(browser, 'recovery-question', async (page) => {
    await page.goto(`${PORTAL}/login.html`);
    await page.getByRole('link', { name: "J'ai oublié mon mot de passe" }).click();
    await page.waitForURL(/\/recovery\.html$/);
    await page.getByLabel('Identifiant').fill(member.nir);
    await page.getByLabel('Date de naissance').fill(member.birthDateFr); // shown for a NIR
    await submit(page, 'Suivant', { path: /^\/v1\/flows\/recovery$/, status: 201 });

    await page.locator('#app[data-state=choose_channel]').waitFor();
    assert.equal(await page.getByLabel('Par courrier postal').count(), 1, 'the letter is always offered');
    await page.getByLabel("Par email à l'adresse").check();
    await submit(page, 'Suivant', { path: /\/steps\/channel$/, status: 200 });
    await page.locator('#app[data-state=code_sent]').waitFor();
    await page.getByText('Un code de confirmation vous a été envoyé par e-mail').waitFor();

    // A new code within the minute: the API's rate_limited, beside the button; the form stays.
    await submit(page, 'Renvoyer un nouveau code', { path: /\/steps\/resend$/, status: 429 });
    assert.match(await alertText(page), /Trop de demandes/);
    await shot(page, 'recovery-code');

    const code = await mailSecret(member.email, /code de sécurité est : (\d{6})/);
    await page.getByLabel('Code de confirmation').fill(code === '000000' ? '111111' : '000000');
    await submit(page, 'Valider', { path: /\/steps\/code$/, status: 422 });
    await page.locator('.field-error:visible').filter({ hasText: 'Le code saisi est incorrect. Il vous reste 4 essai(s).' }).waitFor();
    await page.getByLabel('Code de confirmation').fill(code);
    await submit(page, 'Valider', { path: /\/steps\/code$/, status: 200 });

    // Never logged in: the question of a particulier, worded by the API.
    await page.locator('#app[data-state=security_question]').waitFor();
    const answer = page.getByLabel('Numéro de série de votre carte Vitale', { exact: false });
    await shot(page, 'recovery-question');
    await answer.fill(member.carte_vitale_serial);
    await submit(page, 'Valider', { path: /\/steps\/security_answer$/, status: 200 });
    await page.locator('#app[data-state=temp_password_sent]').waitFor();
    await page.getByRole('link', { name: 'Accéder à mon Espace personnel' }).waitFor();
    await mailSecret(member.email, /temporaire pour accéder à votre Espace personnel [^:]*:\s*(\S+)/);
  });
});

test('an email identifier: the reset link, whose page asks the secret answer when the API says so', async () => {
  const member = await newMember({ firstName: 'Paul', lastName: 'Vidal' });
  await emailAccount(member, 'Vacances-Ete2026!'); // secret question first_pet, answer Médor
  await journey(browser, 'recovery-email', async (page) => {
    await page.goto(`${PORTAL}/recovery.html`);
    await page.getByLabel('Identifiant').fill(member.email);
    assert.equal(await page.getByLabel('Date de naissance').isVisible(), false, 'no birth date with an email');
    await submit(page, 'Suivant', { path: /^\/v1\/flows\/recovery$/, status: 201 });
    await page.locator('#app[data-state=link_sent]').waitFor();

    const token = await link('/reinitialisation', member.email);
    await page.goto(`${PORTAL}/reinitialisation?token=${token}`);
    await page.getByLabel('Votre nouveau mot de passe', { exact: true }).fill('Printemps-Pluie29!');
    await page.getByLabel('Confirmez votre nouveau mot de passe').fill('Printemps-Pluie29!');
    await submit(page, 'Valider', { path: /^\/v1\/password-resets$/, status: 400 });
    const secret = page.getByLabel('Réponse à votre question secrète');
    await secret.waitFor(); // shown once the API asked for it (validation_error, field secret_answer)
    await shot(page, 'reset-secret-answer');
    await secret.fill('medor'); // case and accents ignored
    await submit(page, 'Valider', { path: /^\/v1\/password-resets$/, status: 200 });
    await page.locator('#app[data-state=home]').waitFor();
  });
});
