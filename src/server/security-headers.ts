import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of HTML pages (the web app and `/docs`). Everything comes from
 * this server: scripts and styles under /assets (vega, vega-lite and vega-embed included, from
 * node_modules) and the docs' own files; data is fetched from the same origin.
 *
 * - `'unsafe-eval'`: vega compiles its expressions and field accessors with `new Function`
 *   unless the client renders with vega's expression interpreter (`ast: true` and
 *   `expr: vega.expressionInterpreter` from vega-interpreter), which it does not; without it no
 *   chart draws.
 * - `style-src 'unsafe-inline'`: the pages set tile sizes in `style` attributes, vega-embed adds
 *   a `<style>` element and vega's SVG carries inline styles. Styles cannot run code.
 * - `img-src data: blob:`: the favicon is a data: URL, and exporting a chart draws it into an
 *   image from a data: or blob: URL.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Everything else (JSON, CSV, scripts, stylesheets): nothing may load or run should a browser
 * open it as a document. SVG tiles keep their inline styles.
 */
export const RESOURCE_CSP = "default-src 'none'; frame-ancestors 'none'";
export const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

/**
 * Headers on every answer: `nosniff` (a JSON or CSV answer quoting a user's text is never read
 * as HTML or script), a Content-Security-Policy, and no framing by other sites (clickjacking),
 * both as `frame-ancestors 'none'` and as X-Frame-Options for older browsers.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff').header('x-frame-options', 'DENY');
    if (!reply.hasHeader('content-security-policy')) {
      const type = String(reply.getHeader('content-type') ?? '').toLowerCase();
      reply.header(
        'content-security-policy',
        type.startsWith('text/html') ? PAGE_CSP : type.startsWith('image/svg+xml') ? SVG_CSP : RESOURCE_CSP,
      );
    }
    return payload;
  });
}
