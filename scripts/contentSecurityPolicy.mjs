// The app's Content-Security-Policy, and the Vite plugin that writes it into every built HTML page.
//
// What each source is for (every script, worker and wasm file comes from the app's own origin):
// - script-src 'wasm-unsafe-eval': compiling WebAssembly (tfjs's wasm backend and our engine).
//   It allows no JavaScript eval; 'unsafe-eval' and 'unsafe-inline' are never given.
// - script-src blob: and worker-src blob: are what tfjs's wasm *threads* need: it starts each
//   thread as a Worker made from a Blob, and that thread then runs importScripts() on a second
//   blob: URL holding the backend's factory (see vite.config.ts, which keeps that source intact).
//   Only script already running on the page can make a blob: URL, so this lets in nothing new.
// - worker-src 'self': the module workers (training, projection, analysis, loading, measuring)
//   and the service worker.
// - img-src data: blob:: images of the user's own files and exported PNGs shown or saved.
// - connect-src 'self': the built-in digits, the wasm files and the service worker's precache.
// The policy reaches the page twice. A <meta> in each built HTML page works on any static host;
// a meta tag governs only its document, though, so hosts should also send the header (as
// `vite preview` does, see vite.config.ts): the header also covers the workers and may carry
// frame-ancestors, which a meta tag cannot. The dev server sends none: Vite's hot reload and the
// React refresh preamble are inline scripts.
// Plain JavaScript (types in contentSecurityPolicy.d.mts) so that vite.config.ts and the browser
// tests import the same file.

/** @type {ReadonlyArray<readonly [string, string]>} */
const DIRECTIVES = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval' blob:"],
  ['worker-src', "'self' blob:"],
  ['connect-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['style-src', "'self'"],
  ['font-src', "'self'"],
  ['manifest-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'self'"],
  ['form-action', "'none'"],
];

/** The policy as a <meta http-equiv> carries it (no frame-ancestors: browsers ignore it there, with a console error). */
export const CONTENT_SECURITY_POLICY = DIRECTIVES.map(([name, sources]) => `${name} ${sources}`).join('; ');

/** The policy as an HTTP header carries it: the same, and no page of another site may frame this one. */
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

/** The meta element, as Vite writes it into a page's <head>. */
export const CSP_META_TAG = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`;

/**
 * Writes the policy into every HTML page of a build, first in <head> so that it governs every
 * script and style after it. Build only: the dev server's inline scripts would be refused.
 * @returns {import('vite').Plugin}
 */
export function contentSecurityPolicy() {
  return {
    name: 'latent-explorer-content-security-policy',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        if (!/<head[^>]*>/i.test(html)) throw new Error('contentSecurityPolicy: the page has no <head> to hold the policy.');
        return html.replace(/<head[^>]*>/i, (head) => `${head}\n    ${CSP_META_TAG}`);
      },
    },
  };
}
