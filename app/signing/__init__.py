"""Certificates that seal agreements: an issuer's uploaded PKCS#12, or the generated demo CA and its certificates."""
