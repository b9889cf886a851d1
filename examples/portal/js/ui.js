// DOM helpers. Whatever comes from the API goes into the page as text (text nodes, textContent),
// never as HTML: el() has no way to set innerHTML.
import { currentSession, logout } from './session.js';

// el('p', { class: 'hint' }, 'texte', otherNode): attributes, then children (strings become text).
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

// Pages are files of the portal's root folder; this module is in js/.
const ROOT = new URL('../', import.meta.url);

export function pageUrl(name, params = {}) {
  const url = new URL(name, ROOT);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.href;
}

export const go = (name, params) => location.assign(pageUrl(name, params));

export const link = (text, name, params) => el('a', { href: pageUrl(name, params) }, text);

export const button = (text, attributes = {}) => el('button', { type: 'button', ...attributes }, text);

// A URL the API gave the browser to go to (an auth request's redirect_to): http(s), or a mobile
// app's private-use scheme (RFC 8252: with a dot), never javascript: or data:.
export function safeRedirect(value) {
  const url = new URL(value);
  if (url.protocol === 'https:' || url.protocol === 'http:' || /^[a-z][a-z0-9+-]*\.[a-z0-9.+-]+:$/i.test(url.protocol)) return url.href;
  throw new Error('refused redirect');
}

// A message shown on the next page (the API's "Votre mot de passe a bien été modifié." once the
// portal has moved on to the next required action).
const FLASH = 'guichet.flash';
export function flash(text) {
  if (!text) return;
  const texts = JSON.parse(sessionStorage.getItem(FLASH) || '[]');
  sessionStorage.setItem(FLASH, JSON.stringify([...texts, text]));
}
function takeFlash() {
  const texts = JSON.parse(sessionStorage.getItem(FLASH) || '[]');
  sessionStorage.removeItem(FLASH);
  return texts;
}

export const messageList = (texts, attributes = {}) =>
  el('div', { class: 'messages', role: 'status', ...attributes }, texts.map((text) => el('p', {}, text)));

// Every page: the header's account links, the messages left by the previous page, and its #app.
export function page() {
  const nav = document.getElementById('account-nav');
  if (nav && currentSession()) {
    nav.replaceChildren(
      link('Mon espace', 'index.html'),
      button('Se déconnecter', {
        class: 'link',
        onclick: async () => {
          await logout();
          go('login.html');
        },
      }),
    );
  }
  const app = document.getElementById('app');
  const texts = takeFlash();
  if (texts.length) app.before(messageList(texts, { class: 'messages flash' }));
  return app;
}

// A problem the page cannot go on from (no session, a link without its token…), with ways out.
export function stop(app, text, ...links) {
  app.replaceChildren(el('div', { class: 'problem', role: 'alert' }, el('p', {}, text)), el('p', { class: 'links' }, links));
}
