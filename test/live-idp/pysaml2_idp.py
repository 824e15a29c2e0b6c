"""Drive pysaml2's IdP (Debian's python3-pysaml2) to produce fresh SAML Responses for samlguard's tests.

Reads one JSON object on stdin:
  {"idp": entityID, "key": PEM path, "cert": PEM path, "spMetadata": SP metadata XML,
   "cases": [{"name", "spEntityId", "acs", "inResponseTo", "nameId", "nameIdFormat", "identity",
              "signResponse", "signAssertion", "encrypt", "contentEncryption"}]}
Writes {"<name>": "<Response XML>"} on stdout. Nothing else; errors go to stderr with a non-zero exit.
pysaml2 signs with RSA-SHA1 and encrypts with Triple-DES unless told otherwise: every case here asks for
RSA-SHA256/SHA-256 and AES explicitly, as an operator must (see the README).
"""
import functools
import json
import sys
import tempfile

import saml2.entity
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAME_FORMAT_BASIC, NameID
from saml2.server import Server
from saml2.sigver import RSA_OAEP_MGF1P, pre_encryption_part
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

# algorithm URI and xmlsec1's --session-key name
CONTENT = {
    "aes128-cbc": ("http://www.w3.org/2001/04/xmlenc#aes128-cbc", "aes-128"),
    "aes256-cbc": ("http://www.w3.org/2001/04/xmlenc#aes256-cbc", "aes-256"),
    "aes128-gcm": ("http://www.w3.org/2009/xmlenc11#aes128-gcm", "aes-128"),
    "aes256-gcm": ("http://www.w3.org/2009/xmlenc11#aes256-gcm", "aes-256"),
}


def main():
    job = json.load(sys.stdin)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as md:
        md.write(job["spMetadata"])
    conf = IdPConfig()
    conf.load(
        {
            "entityid": job["idp"],
            "service": {
                "idp": {
                    "endpoints": {"single_sign_on_service": [(job["idp"] + "/sso", BINDING_HTTP_REDIRECT)]},
                    "policy": {"default": {"lifetime": {"minutes": 15}, "attribute_restrictions": None, "name_form": NAME_FORMAT_BASIC}},
                    "sign_response": False,
                    "sign_assertion": False,
                }
            },
            "key_file": job["key"],
            "cert_file": job["cert"],
            "metadata": {"local": [md.name]},
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "delete_tmpfiles": True,
        }
    )
    server = Server(config=conf)
    encrypt = server.sec.encrypt_assertion
    out = {}
    for case in job["cases"]:
        # pysaml2 takes the content algorithm from a module-level default; pin it per case.
        content, session_key = CONTENT[case.get("contentEncryption", "aes256-cbc")]
        saml2.entity.pre_encryption_part = functools.partial(pre_encryption_part, msg_enc=content, key_enc=RSA_OAEP_MGF1P)
        server.sec.encrypt_assertion = functools.partial(encrypt, key_type=session_key)
        name_id = NameID(format=case["nameIdFormat"], text=case["nameId"])
        response = server.create_authn_response(
            identity=case["identity"],
            in_response_to=case.get("inResponseTo"),
            destination=case["acs"],
            sp_entity_id=case["spEntityId"],
            name_id=name_id,
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport", "authn_auth": job["idp"]},
            sign_response=case.get("signResponse", False),
            sign_assertion=case.get("signAssertion", True),
            encrypt_assertion=case.get("encrypt", False),
            encrypt_assertion_self_contained=True,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        out[case["name"]] = str(response)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
