// The XML of the messages an SP writes. Every value is escaped; every ID comes from newMessageId.
import { escapeAttr, escapeText } from '../c14n/escape.js';
import { SAML_NS, SAMLP_NS } from '../xml/ns.js';
import { BINDING_POST } from './bindings.js';

export const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export interface AuthnRequestSpec {
  id: string;
  issueInstant: number;
  destination: string;
  issuer: string;
  acsUrl: string;
  forceAuthn?: boolean;
  isPassive?: boolean;
  nameIdFormat?: string;
  authnContextClassRef?: readonly string[];
}

/** A samlp:AuthnRequest asking for an HTTP-POST response to our ACS (Profiles §4.1.4.1). */
export function authnRequestXml(s: AuthnRequestSpec): string {
  const flags = (s.forceAuthn ? ' ForceAuthn="true"' : '') + (s.isPassive ? ' IsPassive="true"' : '');
  const policy = s.nameIdFormat === undefined ? '<samlp:NameIDPolicy AllowCreate="true"/>' : `<samlp:NameIDPolicy Format="${escapeAttr(s.nameIdFormat)}" AllowCreate="true"/>`;
  const context =
    s.authnContextClassRef === undefined || s.authnContextClassRef.length === 0
      ? ''
      : `<samlp:RequestedAuthnContext Comparison="exact">${s.authnContextClassRef.map((c) => `<saml:AuthnContextClassRef>${escapeText(c)}</saml:AuthnContextClassRef>`).join('')}</samlp:RequestedAuthnContext>`;
  return (
    `<samlp:AuthnRequest xmlns:samlp="${SAMLP_NS}" xmlns:saml="${SAML_NS}" ID="${escapeAttr(s.id)}" Version="2.0" IssueInstant="${isoSeconds(s.issueInstant)}"` +
    ` Destination="${escapeAttr(s.destination)}" AssertionConsumerServiceURL="${escapeAttr(s.acsUrl)}" ProtocolBinding="${BINDING_POST}"${flags}>` +
    `<saml:Issuer>${escapeText(s.issuer)}</saml:Issuer>${policy}${context}</samlp:AuthnRequest>`
  );
}

export interface LogoutResponseSpec {
  id: string;
  issueInstant: number;
  destination: string;
  issuer: string;
  inResponseTo: string;
  status: string;
}

/** A samlp:LogoutResponse (SAML core §3.7.2). */
export function logoutResponseXml(s: LogoutResponseSpec): string {
  return (
    `<samlp:LogoutResponse xmlns:samlp="${SAMLP_NS}" xmlns:saml="${SAML_NS}" ID="${escapeAttr(s.id)}" Version="2.0" IssueInstant="${isoSeconds(s.issueInstant)}"` +
    ` Destination="${escapeAttr(s.destination)}" InResponseTo="${escapeAttr(s.inResponseTo)}"><saml:Issuer>${escapeText(s.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${escapeAttr(s.status)}"/></samlp:Status></samlp:LogoutResponse>`
  );
}
