#!/usr/bin/env python3
"""pyHanko as the independent signature tool of the signature tests.

    pyhanko_check.py verify FILE.pdf ROOT.pem   -> one JSON line per signature:
        {"field", "intact", "valid", "trusted", "coverage", "modification"}
    pyhanko_check.py sign IN.pdf OUT.pdf KEY.pem CERT.pem [CHAIN.pem...]   (PAdES B-B)
"""
import json
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def verify(path, root):
    vc = ValidationContext(trust_roots=[load_cert_from_pemder(root)], allow_fetching=False,
                           revocation_mode="soft-fail")
    with open(path, "rb") as f:
        r = PdfFileReader(f, strict=False)
        for sig in r.embedded_signatures:
            st = validate_pdf_signature(sig, vc)
            print(json.dumps({
                "field": sig.field_name,
                "intact": st.intact,
                "valid": st.valid,
                "trusted": st.trusted,
                "coverage": st.coverage.name,
                "modification": st.modification_level.name if st.modification_level else None,
            }))


def sign(src, dst, key, cert, chain):
    signer = signers.SimpleSigner.load(key, cert, ca_chain_files=tuple(chain))
    meta = signers.PdfSignatureMetadata(field_name="ChuKyPyHanko",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    with open(src, "rb") as f:
        w = IncrementalPdfFileWriter(f, strict=False)
        with open(dst, "wb") as out:
            signers.sign_pdf(w, meta, signer=signer, output=out)


if __name__ == "__main__":
    if sys.argv[1] == "verify":
        verify(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "sign":
        sign(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:])
    else:
        sys.exit("usage: pyhanko_check.py verify|sign ...")
