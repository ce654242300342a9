#!/usr/bin/env bash
# Makes the test PKI of the signature tests in directory $1 with the openssl command line:
#   root.pem (trusted root) -> inter.pem (intermediate CA) -> signer (RSA 2048), signer-ec (P-256)
#   expired: a signer under the same intermediate whose certificate ended on 1/1/2021
#   other-root.pem -> other (a signer under a root nobody trusts)
# Each signer as KEY.key, KEY.pem and KEY.p12 (password "matkhau", the chain included).
set -euo pipefail
d="$1"
mkdir -p "$d"
cd "$d"
pass=matkhau
cat > ext.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
root() { # name subject
  openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.pem" -days 3650 \
    -utf8 -subj "$2" -addext "basicConstraints=critical,CA:true" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
issue() { # name subject issuer extension keyspec [days]
  openssl req -new -newkey "$5" -nodes -keyout "$1.key" -out "$1.csr" -utf8 -subj "$2" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -out "$1.pem" \
    -days "${6:-730}" -extfile ext.cnf -extensions "$4" 2>/dev/null
}
root root "/CN=Gốc thử nghiệm baocao/O=Ban Tổ chức Trung ương/C=VN"
issue inter "/CN=CA trung gian thử nghiệm/O=Ban Tổ chức Trung ương/C=VN" root ca rsa:2048 1825
issue signer "/CN=Nguyễn Văn An/O=Tỉnh ủy Hà Giang/C=VN" inter leaf rsa:2048
issue signer-ec "/CN=Trần Thị Bình/O=Tỉnh ủy Cao Bằng/C=VN" inter leaf ec:<(openssl ecparam -name prime256v1)
root other-root "/CN=Gốc lạ/O=Không ai tin/C=VN"
issue other "/CN=Lê Văn Cường/O=Tỉnh ủy Lạng Sơn/C=VN" other-root leaf rsa:2048

# The expired signer: openssl ca sets the validity dates (1/1/2020 - 1/1/2021).
mkdir -p ca-db && : > ca-db/index.txt && echo 1000 > ca-db/serial
cat > ca.cnf <<'CNF'
[ca]
default_ca = test
[test]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
organizationName = optional
countryName = optional
[leaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
CNF
openssl req -new -newkey rsa:2048 -nodes -keyout expired.key -out expired.csr -utf8 \
  -subj "/CN=Phạm Văn Dũng/O=Tỉnh ủy Bắc Kạn/C=VN" 2>/dev/null
openssl ca -batch -config ca.cnf -utf8 -cert inter.pem -keyfile inter.key -in expired.csr \
  -out expired.pem -startdate 20200101000000Z -enddate 20210101000000Z -extensions leaf \
  -notext 2>/dev/null

cat inter.pem root.pem > chain.pem
for k in signer signer-ec expired; do
  openssl pkcs12 -export -inkey "$k.key" -in "$k.pem" -certfile chain.pem -passout "pass:$pass" \
    -out "$k.p12"
done
openssl pkcs12 -export -inkey other.key -in other.pem -certfile other-root.pem \
  -passout "pass:$pass" -out other.p12
echo "$pass" > password.txt
