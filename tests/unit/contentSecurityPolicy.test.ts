// The Content-Security-Policy's rules, and that the build plugin puts it first in every page's <head>.
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_HEADER, CSP_META_TAG, contentSecurityPolicy } from '../../scripts/contentSecurityPolicy.mjs';

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));
}

function transform(html: string): string {
  const hook = contentSecurityPolicy().transformIndexHtml;
  if (!hook || typeof hook !== 'object') throw new Error('the plugin has no transformIndexHtml handler');
  const handler = hook.handler as (html: string) => string;
  return handler(html);
}

describe('Content-Security-Policy', () => {
  it('allows no inline script and no JavaScript eval, only wasm compilation', () => {
    const policy = directives(CONTENT_SECURITY_POLICY);
    for (const name of ['default-src', 'script-src', 'worker-src']) {
      expect(policy.get(name), name).toBeDefined();
      expect(policy.get(name)).not.toContain("'unsafe-inline'");
      expect(policy.get(name)).not.toContain("'unsafe-eval'");
    }
    expect(policy.get('script-src')).toContain("'wasm-unsafe-eval'");
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
  });

  it('keeps frame-ancestors for the header only: a meta tag cannot carry it', () => {
    expect(directives(CONTENT_SECURITY_POLICY).has('frame-ancestors')).toBe(false);
    expect(CONTENT_SECURITY_POLICY_HEADER).toBe(`${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
  });

  it('is written into the page before any script, and a page without <head> is refused', () => {
    const html = '<!doctype html><html><head><meta charset="UTF-8"><script type="module" src="./a.js"></script></head><body></body></html>';
    const out = transform(html);
    expect(out.indexOf(CSP_META_TAG)).toBeGreaterThan(-1);
    expect(out.indexOf(CSP_META_TAG)).toBeLessThan(out.indexOf('<script'));
    expect(out.replace(`\n    ${CSP_META_TAG}`, '')).toBe(html);
    expect(() => transform('<html><body></body></html>')).toThrow(/no <head>/);
  });

  it('applies to builds only (the dev server injects inline scripts)', () => {
    expect(contentSecurityPolicy().apply).toBe('build');
  });
});
