#!/bin/sh
# Make a throwaway PKI in directory $1: ca.crt, server.crt/key (TLS Web
# Server Authentication), client.crt/key (TLS Web Client Authentication),
# and a tls-auth/tls-crypt static key is left to the daemon (--genkey).
# EC P-256 keys keep this fast; 2.6's default certificate profile accepts them.
set -e
dir=$1
mkdir -p "$dir"
cd "$dir"
cat >ext.cnf <<CNF
[server]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyAgreement
extendedKeyUsage = serverAuth
[client]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyAgreement
extendedKeyUsage = clientAuth
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = keyCertSign, cRLSign
CNF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
	-out ca.crt -days 2 -subj "/CN=Test CA" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign,cRLSign" 2>/dev/null
for who in server client; do
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $who.key \
		-out $who.csr -subj "/CN=$who" 2>/dev/null
	openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
		-out $who.crt -days 2 -extfile ext.cnf -extensions $who 2>/dev/null
done
rm -f ./*.csr ca.srl
