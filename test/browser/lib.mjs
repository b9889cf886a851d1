// Shared by the browser tests: the services test/browser/run.sh started (their addresses come in
// the environment), members made for each test through the agents' API, what members receive
// (the SMTP server's Maildir, the SMS sink's log), and chromium pages that keep screenshots.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset: run test/browser/run.sh`);
  return value;
};

export const API = env('GUICHET_API');
export const PORTAL = env('GUICHET_PORTAL');
const ARTEFACTS = env('GUICHET_BROWSER_ARTEFACTS');
const SOURCE = env('GUICHET_SOURCE_DIR');

// playwright-core lives outside git (test/browser/install.sh); the browser is Debian's.
const { chromium } = createRequire(join(env('GUICHET_PLAYWRIGHT_DIR'), 'package.json'))('playwright-core');

// --- The API, as an agent or as anyone.

export async function api(method, path, body, headers = {}) {
  const response = await fetch(API + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const agent = { Authorization: `Bearer ${env('GUICHET_ADMIN_TOKEN')}`, 'X-Agent-Id': 'agent.browser' };
export async function admin(method, path, body) {
  const answer = await api(method, path, body, agent);
  assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

// --- Members, made fresh for each test so that tests share nothing but the service.

const digits = (n) => Array.from({ length: n }, () => randomInt(10)).join('');
const pad = (n, width = 2) => String(n).padStart(width, '0');
const ascii = (name) => name.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();

// A fictitious member of the registry, with a valid NIR that agrees with the birth date.
export async function newMember({ mobile = true, email = true, type = 'particulier', firstName = 'Claire', lastName = 'Fontaine' } = {}) {
  const year = 1950 + randomInt(50);
  const month = 1 + randomInt(12);
  const day = 1 + randomInt(28);
  const body = `${1 + randomInt(2)}${pad(year % 100)}${pad(month)}75${pad(1 + randomInt(999), 3)}${pad(1 + randomInt(999), 3)}`;
  const nir = body + pad(Number(97n - (BigInt(body) % 97n)));
  const tag = digits(8);
  const member = {
    nir,
    first_name: firstName,
    last_name: lastName,
    birth_date: `${year}-${pad(month)}-${pad(day)}`,
    member_type: type,
    email: email ? `${ascii(firstName)}.${ascii(lastName)}.${tag}@exemple.fr` : null,
    mobile_phone: mobile ? `0612${tag.slice(2)}` : null, // 06 12: a range libphonenumber knows as mobile
    landline_phone: null,
    address: '12 rue des Tests\n75002 Paris',
    carte_vitale_serial: digits(9),
    recent_amounts: `${new Date().getFullYear()}-01-15:23.50`,
  };
  await admin('POST', '/v1/admin/members', [member]);
  return {
    ...member,
    birthDateFr: `${pad(day)}/${pad(month)}/${year}`, // what the member types: jj/mm/aaaa
    mobileE164: mobile ? `+33${member.mobile_phone.slice(1)}` : null,
    maskedMobile: mobile ? `06 •• •• •• ${member.mobile_phone.slice(-2)}` : null,
  };
}

// An account of the old system on the member's NIR, with a password the test knows (bcrypt, as
// the old system's hashes come over).
export async function legacyAccount(member, password, { hasLoggedIn = true } = {}) {
  const hash = execFileSync('/usr/bin/python3', ['-W', 'ignore', '-c',
    'import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', password]).toString().trim();
  return admin('POST', '/v1/admin/accounts', { nir: member.nir, password_hash: hash, has_logged_in: hasLoggedIn });
}

// An account reached by its email (registration and activation through the API, as seed 003).
export async function emailAccount(member, password) {
  let answer = await api('POST', '/v1/flows/registration', { nir: member.nir.slice(0, 13) });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  const id = answer.body.id;
  answer = await api('POST', `/v1/flows/${id}/steps/identity`, {
    mode: 'new', email: member.email, password, password_confirmation: password,
    secret_question_id: 'first_pet', secret_answer: 'Médor',
  });
  assert.equal(answer.body.state, 'personal_info', JSON.stringify(answer.body));
  answer = await api('POST', `/v1/flows/${id}/steps/personal_info`, {
    nir_key: member.nir.slice(13), last_name: member.last_name, birth_date: member.birthDateFr,
  });
  assert.equal(answer.body.state, 'activation_sent', JSON.stringify(answer.body));
  const token = await link('/activation', member.email);
  answer = await api('POST', '/v1/activations', { token });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
}

// --- What members receive. Delivery is asynchronous (the outbox): wait for it, with a deadline.

export async function eventually(what, probe, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The texts of the SMS accepted for a number (E.164), in the order they were queued.
export function smsTexts(number) {
  let lines;
  try {
    lines = readFileSync(env('GUICHET_TEST_SMS_LOG'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  } catch {
    return [];
  }
  const seen = new Map();
  for (const entry of lines) {
    if (entry.json?.to !== number || (entry.status ?? 200) >= 300) continue;
    const order = Number(/^<(\d+)\./.exec(entry.idempotency_key ?? '')?.[1] ?? 0);
    seen.set(entry.idempotency_key ?? entry.body, { order, text: entry.json.text });
  }
  return [...seen.values()].sort((a, b) => a.order - b.order).map((entry) => entry.text);
}

const mailbox = (...args) => execFileSync('/usr/bin/python3', [join(SOURCE, 'test/support/mailbox.py'), env('GUICHET_TEST_MAILDIR'), ...args])
  .toString().split('\n').filter(Boolean);
export const mailTexts = (recipient) => mailbox('texts', recipient);

// The `count`-th SMS to `number` that matches `pattern`: its first group.
export const smsSecret = (number, pattern, count = 1) => eventually(`SMS ${pattern} to ${number}`, () => {
  const found = smsTexts(number).map((text) => pattern.exec(text)?.[1]).filter(Boolean);
  return found.length >= count ? found[count - 1] : null;
});
export const mailSecret = (recipient, pattern, count = 1) => eventually(`mail ${pattern} to ${recipient}`, () => {
  const found = mailTexts(recipient).map((text) => pattern.exec(text)?.[1]).filter(Boolean);
  return found.length >= count ? found[count - 1] : null;
});
// The token of the `count`-th link to PATH (/activation, /reinitialisation, /validation).
export const link = (path, recipient, count = 1) => eventually(`link ${path} to ${recipient}`, () => {
  const tokens = mailbox('links', recipient, path);
  return tokens.length >= count ? tokens[count - 1] : null;
});

// --- Pages.

// A browser for one test file; close it in after().
export const launch = () => chromium.launch({ executablePath: '/usr/bin/chromium' });

// A fresh page (its own sessionStorage) that fails the test on a script error or a CSP
// violation; the test's steps wait for elements and answers, never for fixed times.
export async function open(browser, path) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 }, locale: 'fr-FR' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy|Refused to/i.test(message.text())) page.errors.push(message.text());
  });
  if (path) await page.goto(PORTAL + path);
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });
}

// Runs a test's steps on a page; on failure keeps a screenshot (FAILED-name.png) and throws.
export async function journey(browser, name, steps) {
  const page = await open(browser);
  try {
    await steps(page);
    assert.deepEqual(page.errors, [], 'no script error, no CSP violation');
  } catch (error) {
    await page.screenshot({ path: join(ARTEFACTS, `FAILED-${name}.png`), fullPage: true }).catch(() => {});
    if (page.errors.length) error.message += `\npage errors: ${page.errors.join(' | ')}`;
    throw error;
  } finally {
    await page.context().close();
  }
}

// Clicks a button and waits for the API's answer to the request it sends.
export async function submit(page, buttonName, { path, method = 'POST', status } = {}) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(API) && r.request().method() === method && (!path || new URL(r.url()).pathname.match(path))),
    page.getByRole('button', { name: buttonName, exact: true }).click(),
  ]);
  if (status !== undefined && response.status() !== status) {
    const body = await response.text().catch(() => '(navigated away)');
    assert.fail(`${buttonName}: ${response.status()} instead of ${status}: ${body}`);
  }
  return response;
}

// The text of the visible alert (a problem), once there is one.
export async function alertText(page) {
  const alert = page.locator('[role=alert]:visible').first();
  await alert.waitFor();
  return alert.innerText();
}

export { assert };
