// `jose` is loaded on first use, not when `samlguard` is imported: an authorizer that only verifies SAML
// pays nothing for it at cold start. Factories start the load at creation, so the first request rarely waits.
type Jose = typeof import('jose');
let loading: Promise<Jose> | undefined;

export function loadJose(): Promise<Jose> {
  loading ??= import('jose');
  return loading;
}
