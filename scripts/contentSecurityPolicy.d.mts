// Types of contentSecurityPolicy.mjs, for vite.config.ts and the unit tests.
import type { Plugin } from 'vite';

/** The policy as a <meta http-equiv> carries it (no frame-ancestors). */
export const CONTENT_SECURITY_POLICY: string;
/** The policy as an HTTP header carries it, with frame-ancestors 'none'. */
export const CONTENT_SECURITY_POLICY_HEADER: string;
/** The meta element, as the plugin writes it into a page's <head>. */
export const CSP_META_TAG: string;
/** Writes the policy into every HTML page of a build, first in <head>; build only. */
export function contentSecurityPolicy(): Plugin;
