#!/bin/sh
# Make a throwaway PKI in directory $1: ca.crt, server.crt/key (TLS Web
# Server Authentication), client.crt/key, client2.crt/key and
# client3.crt/key (TLS Web Client Authentication),
# expired.crt/key (a client certificate that expired in 2020),
# nousage.crt/key and srvnousage.crt/key (a client and a server certificate
# without keyUsage and extendedKeyUsage extensions), mail.crt/key (a client
# whose subject has emailAddress=alice@example.org), and the self-signed
# self-server.crt/key and self-client.crt/key (no CA; for fingerprints).
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
[bare]
basicConstraints = CA:FALSE
CNF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
	-out ca.crt -days 2 -subj "/CN=Test CA" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign,cRLSign" 2>/dev/null
# client2 and client3: more clients with a name (and ccd file) of their own
for who in server client client2 client3; do
	ext=client
	[ "$who" != server ] || ext=server
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $who.key \
		-out $who.csr -subj "/CN=$who" 2>/dev/null
	openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
		-out $who.crt -days 2 -extfile ext.cnf -extensions $ext 2>/dev/null
done
# certificates for the key usage, EKU and username-field checks
sign() { # name subject extensions
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
		-out "$1.csr" -subj "$2" 2>/dev/null
	openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
		-out "$1.crt" -days 2 -extfile ext.cnf -extensions "$3" 2>/dev/null
}
sign nousage /CN=nousage bare
sign srvnousage /CN=srvnousage bare
sign mail "/CN=mailclient/emailAddress=alice@example.org" client
for who in server client; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout self-$who.key -out self-$who.crt -days 2 -subj "/CN=self-$who" \
		-addext "basicConstraints=CA:FALSE" -addext "keyUsage=digitalSignature,keyAgreement" \
		-addext "extendedKeyUsage=${who}Auth" 2>/dev/null
done
# an expired client certificate from the same CA (openssl ca can backdate)
mkdir -p expca
: >expca/index.txt
echo 1000 >expca/serial
cat >expca/ca.cnf <<CNF
[ca]
default_ca = exp
[exp]
database = expca/index.txt
new_certs_dir = expca
serial = expca/serial
default_md = sha256
policy = any
[any]
commonName = supplied
CNF
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout expired.key \
	-out expired.csr -subj "/CN=expired" 2>/dev/null
openssl ca -batch -config expca/ca.cnf -cert ca.crt -keyfile ca.key -in expired.csr \
	-out expired.crt -startdate 20200101000000Z -enddate 20200102000000Z \
	-extfile ext.cnf -extensions client -notext 2>/dev/null
rm -rf ./*.csr ca.srl expca
