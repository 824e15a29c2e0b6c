// SAML and XML vocabulary (namespace URIs and fixed values): the bottom of the house, so every room may use it.
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const SAMLP_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const MD_NS = 'urn:oasis:names:tc:SAML:2.0:metadata';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
export const CM_BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
export const NAMEID_ENTITY = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity';
export const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
