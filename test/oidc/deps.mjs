// Loads the suite's npm packages from the folder that install.sh filled (outside git):
// $GUICHET_OIDC_NODE_DIR, or build/oidc-node at the repository's root. ES modules resolve
// packages from the importing file's folder only (NODE_PATH does not apply to them), so the
// packages are resolved from that folder and imported by their file URL.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const nodeDir = path.resolve(
  process.env.GUICHET_OIDC_NODE_DIR || path.join(here, '..', '..', 'build', 'oidc-node'),
);
const require = createRequire(path.join(nodeDir, 'package.json'));

export async function load(name) {
  let file;
  try {
    file = require.resolve(name);
  } catch (cause) {
    throw new Error(
      `${name} is not installed in ${nodeDir}: run test/oidc/install.sh ${nodeDir}`,
      { cause },
    );
  }
  return import(pathToFileURL(file).href);
}
