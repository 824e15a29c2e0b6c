// The XML of the messages an SP writes. Every value is escaped; every ID comes from newMessageId.
import { SAML_NS, SAMLP_NS } from '../xml/ns.js';
import { BINDING_POST } from './bindings.js';

const escAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
const escText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
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
  const policy = s.nameIdFormat === undefined ? '<samlp:NameIDPolicy AllowCreate="true"/>' : `<samlp:NameIDPolicy Format="${escAttr(s.nameIdFormat)}" AllowCreate="true"/>`;
  const context =
    s.authnContextClassRef === undefined || s.authnContextClassRef.length === 0
      ? ''
      : `<samlp:RequestedAuthnContext Comparison="exact">${s.authnContextClassRef.map((c) => `<saml:AuthnContextClassRef>${escText(c)}</saml:AuthnContextClassRef>`).join('')}</samlp:RequestedAuthnContext>`;
  return (
    `<samlp:AuthnRequest xmlns:samlp="${SAMLP_NS}" xmlns:saml="${SAML_NS}" ID="${escAttr(s.id)}" Version="2.0" IssueInstant="${isoSeconds(s.issueInstant)}"` +
    ` Destination="${escAttr(s.destination)}" AssertionConsumerServiceURL="${escAttr(s.acsUrl)}" ProtocolBinding="${BINDING_POST}"${flags}>` +
    `<saml:Issuer>${escText(s.issuer)}</saml:Issuer>${policy}${context}</samlp:AuthnRequest>`
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
    `<samlp:LogoutResponse xmlns:samlp="${SAMLP_NS}" xmlns:saml="${SAML_NS}" ID="${escAttr(s.id)}" Version="2.0" IssueInstant="${isoSeconds(s.issueInstant)}"` +
    ` Destination="${escAttr(s.destination)}" InResponseTo="${escAttr(s.inResponseTo)}"><saml:Issuer>${escText(s.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${escAttr(s.status)}"/></samlp:Status></samlp:LogoutResponse>`
  );
}
