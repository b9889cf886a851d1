// Where the portal finds the API, and the brand its labels name. No build step: a deployment
// writes this file (or its web server answers /config.js). serve.py answers it from --api and
// --brand, so ./scripts/run and the browser tests point the portal at their own API.
export default {
  apiBase: 'http://127.0.0.1:8080',
  brand: 'MGEN',
};
