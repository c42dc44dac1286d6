#!/bin/sh
# Regenerates the test chain the HTTPS capture test presents: a root CA, an
# intermediate CA and a leaf for evidence.example.org, P-256 keys, valid to
# 2100 so the test does not expire. Run from this folder; needs openssl.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/$1.key"; }
key root
key intermediate
key leaf
cat >"$work/ext.cnf" <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:evidence.example.org
CNF
openssl req -new -x509 -key "$work/root.key" -subj "/CN=Qorgau Test Root CA" \
    -not_before 20260101000000Z -not_after 21000101000000Z \
    -extensions ca -config "$work/ext.cnf" -out "$work/root.pem" 2>/dev/null ||
openssl req -new -x509 -key "$work/root.key" -subj "/CN=Qorgau Test Root CA" \
    -days 27000 -extensions ca -config "$work/ext.cnf" -out "$work/root.pem"
sign() { # name subject issuer extensions
    openssl req -new -key "$work/$1.key" -subj "$2" -out "$work/$1.csr"
    openssl x509 -req -in "$work/$1.csr" -CA "$work/$3.pem" -CAkey "$work/$3.key" \
        -CAcreateserial -days 27000 -extfile "$work/ext.cnf" -extensions "$4" \
        -out "$work/$1.pem"
}
sign intermediate "/CN=Qorgau Test Intermediate CA" root ca
sign leaf "/CN=evidence.example.org" intermediate leaf
for name in root intermediate leaf; do
    openssl x509 -in "$work/$name.pem" -outform der -out "$name.der"
done
openssl pkcs8 -topk8 -nocrypt -in "$work/leaf.key" -outform der -out leaf.key.der
