// The SAML bindings (src/sp/bindings.ts): HTTP-Redirect encoding and its bounded inflation, the HTTP-POST
// form and the page that submits it, with every value HTML-escaped.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateRedirect, postForm, postFormHtml, redirectUrl } from '../../src/sp/bindings.js';
import { codeOf } from '../helpers/outcome.js';

const XML = '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1"/>';

describe('HTTP-Redirect', () => {
  it('encodes raw DEFLATE + base64, appends RelayState only when given, and joins an existing query', () => {
    const url = new URL(redirectUrl('https://idp.example/sso', 'SAMLRequest', XML, 'abc&d', undefined));
    expect(inflateRedirect(url.searchParams.get('SAMLRequest')!, 10_000)).toBe(XML);
    expect(url.searchParams.get('RelayState')).toBe('abc&d');
    expect(new URL(redirectUrl('https://idp.example/sso', 'SAMLRequest', XML, undefined, undefined)).searchParams.has('RelayState')).toBe(false);
    const joined = redirectUrl('https://idp.example/sso?tenant=1', 'SAMLRequest', XML, undefined, undefined);
    expect(joined.startsWith('https://idp.example/sso?tenant=1&SAMLRequest=')).toBe(true);
    expect(redirectUrl('https://idp.example/sso', 'SAMLRequest', XML, undefined, undefined).startsWith('https://idp.example/sso?SAMLRequest=')).toBe(true);
  });

  it('inflation is bounded, and anything but base64 of raw DEFLATE is INPUT_MALFORMED', () => {
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
    const bomb = b64(deflateRawSync(Buffer.alloc(100_000, 0x41)));
    expect(codeOf(() => inflateRedirect(bomb, 10_000))).toBe('INPUT_MALFORMED');
    expect(inflateRedirect(bomb, 100_000).length).toBe(100_000);
    expect(codeOf(() => inflateRedirect('not base64!', 10_000))).toBe('INPUT_MALFORMED');
    expect(codeOf(() => inflateRedirect('', 10_000))).toBe('INPUT_MALFORMED');
    expect(codeOf(() => inflateRedirect(b64(Buffer.from('not deflate at all')), 10_000))).toBe('INPUT_MALFORMED');
  });
});

describe('HTTP-POST', () => {
  it('puts the message base64-encoded in its field, and RelayState only when given', () => {
    const form = postForm('https://sp.example/acs', 'SAMLResponse', XML, 'state', undefined);
    expect(Buffer.from(form.fields['SAMLResponse']!, 'base64').toString('utf8')).toBe(XML);
    expect(form.fields['RelayState']).toBe('state');
    expect('RelayState' in postForm('https://sp.example/acs', 'SAMLResponse', XML, undefined, undefined).fields).toBe(false);
  });

  it('the page escapes the action, every name and every value; its only script is the submit', () => {
    const html = postFormHtml({ action: 'https://sp.example/acs?a=1&b="2"', fields: { SAMLResponse: 'PHI+', RelayState: `<script>alert('x')</script>&"` } });
    expect(html).toContain('action="https://sp.example/acs?a=1&amp;b=&quot;2&quot;"');
    expect(html).toContain('<input type="hidden" name="SAMLResponse" value="PHI+"/>');
    expect(html).toContain('<input type="hidden" name="RelayState" value="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"/>');
    expect(html).toContain('value="PHI+"/><input type="hidden" name="RelayState"');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain('<script>document.forms[0].submit();</script>');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<noscript><button type="submit">Continue</button></noscript></form>');
  });
});
