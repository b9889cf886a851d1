// Calls to the Guichet API, from the portal's own origin (CORS: the API lists this origin in
// GUICHET_CORS_ORIGINS). Tokens travel in Authorization, never in cookies: credentials 'omit'.
// Every answer that is not 2xx becomes an ApiError holding the RFC 9457 problem the API sent,
// whose `title` is French and meant for the member.
import config from '../config.js';

export const apiBase = config.apiBase.replace(/\/+$/, '');

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.title);
    this.status = status;
    this.problem = problem;
  }

  get code() {
    return this.problem.code;
  }
}

// The only problems the portal writes itself: the API did not answer, or answered no problem.
const UNREACHABLE = { code: 'unreachable', title: 'Le service ne répond pas. Réessayez dans un instant.' };
const UNEXPECTED = { code: 'unexpected', title: 'Une erreur inattendue est survenue. Réessayez dans un instant.' };

// request('POST', '/v1/sessions', { body, token }) → the JSON answer (null for 204).
export async function request(method, path, { body, token } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(apiBase + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, UNREACHABLE);
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, data && typeof data.code === 'string' ? data : { ...UNEXPECTED, status: response.status });
  }
  return data;
}

// A path segment from an id the portal did not make (a flow id, an auth request id).
export const segment = (id) => encodeURIComponent(String(id));
