#!/usr/bin/env python3
"""Write the seed corpora of tests/fuzz/corpus/ (standard library only).

Seeds are realistic inputs: the sample configs, the packets and key of the
wire protocol reference (openvpn-wire-protocol.md §13, §2, §5, §7), and key
method messages shaped like the ones 2.6 sends. Binary seeds of the stateful
harnesses use the record formats described at the top of each fuzz_*.c.
Running it again rewrites the same files.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "corpus")


def write(harness, name, data):
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def u16(v):
    return struct.pack(">H", v)


def u32(v):
    return struct.pack(">I", v)


def h(s):
    return bytes.fromhex(s.replace(" ", ""))


# ---- shared material ------------------------------------------------------

KEY_HEX = (
    "374d430cfbd5bbb810bf481707f5710cf78d2063c6da3621b7c9291142cdcc57"
    "f33c8f798eac5f16843a107ad5f504c75b5605b17293ef7dc0bf99ea11d5cbde"
    "1ecfded6a229ba5b0bc1dbcfbce40989e453e065fb24a48fe9b02aeacaad813b"
    "18284d2b703adc6e4582b172ec7b26590a7d5b51f2ac17696668b1dd0370d983"
    "119520bb28d2646571aeab479bc2938c84252be8bd34cc827f346bfbbd936519"
    "4113264e4b4c7a28fc544a8b4f5beca871956e2e24ef16f3b4ce09ec4711d04f"
    "c7e9678bb728a8f2d0e327f81d776cf22ecc0bb12455baa065c109ea3e83d945"
    "d029cf370fef9f0974e3a5050afe6ddb47e0a70f9650130753df4dd1375a0129")


def key_text(hexkey=KEY_HEX, eol="\n", header=True):
    lines = []
    if header:
        lines += ["#", "# 2048 bit OpenVPN static key", "#"]
    lines.append("-----BEGIN OpenVPN Static key V1-----")
    lines += [hexkey[i:i + 32] for i in range(0, len(hexkey), 32)]
    lines.append("-----END OpenVPN Static key V1-----")
    return eol.join(lines) + eol


CLIENT_SID = h("f64e6a092f3b7595")
SERVER_SID = h("3e7861b6c98ca2c8")

# A TLS 1.3 ClientHello record header and the start of its body: the
# payload of the first CONTROL_V1 (§13.2 row 3), shortened.
CLIENT_HELLO = h("16030100f8010000f40303") + bytes(range(32)) + h("20") + bytes(32) + \
    h("0008130213031301 00ff 0100")


def ctl(op, sid, acks=(), remote_sid=b"", msg_id=None, payload=b"", kid=0):
    """A plain control packet (§2.1, §2.2)."""
    p = bytes([op << 3 | kid]) + sid + bytes([len(acks)])
    for a in acks:
        p += u32(a)
    if acks:
        p += remote_sid
    if msg_id is not None:
        p += u32(msg_id)
    return p + payload


HARD_RESET_CLIENT = ctl(7, CLIENT_SID, msg_id=0)                               # 14 bytes
HARD_RESET_SERVER = ctl(8, SERVER_SID, [0], CLIENT_SID, msg_id=0)              # 26 bytes
ACK_CLIENT = ctl(5, CLIENT_SID, [1, 0], SERVER_SID)                            # 30 bytes
CONTROL_CLIENT = ctl(4, CLIENT_SID, [0], SERVER_SID, 1, CLIENT_HELLO)
CONTROL_SERVER = ctl(4, SERVER_SID, [1, 0], CLIENT_SID, 1, b"\x16\x03\x03" + bytes(60))
SOFT_RESET = ctl(3, CLIENT_SID, msg_id=7, kid=1)

# Captured wire packets (§13.4 tls-auth, §13.5 tls-crypt) and their plain form.
AUTH_CLIENT_WIRE = h("38 f64e6a092f3b7595 5e8b8608086e6f33e25df8c7797d846b40492674"
                     "00000001 6b05e606 00 00000000")
AUTH_SERVER_WIRE = h("40 3e7861b6c98ca2c8 a1dc7e8a636f13e05c12a886f2a26fc7473fc4cb"
                     "00000001 6b05e606 01 00000000 f64e6a092f3b7595 00000000")
CRYPT_CLIENT_WIRE = h("38 012a9efe793a172f 00000001 6b05e618"
                      "1ecbe5745960d98256ec6eee3621a026f8c93672cf9519294a9f86b086c6a94c"
                      "174e0aaadc")
CRYPT_SERVER_WIRE = h("40 f4a8069baa13edba 00000001 6b05e618"
                      "89721a46d8718113f7cca17b035cfd95065ad4e7126746897065ab88bbe78c5f"
                      "4e842dbedeb08a10353cc2c1525fc2f393")

# A 48-byte IPv4/UDP packet, as in §13.2 row 14.
IPV4_UDP = h("4500003000004000 40110000 0ac80002 0ac80001 d4310035 001c0000") + b"fuzz seed payload..."[:20]

OCC_P2P_CLIENT = ("V4,dev-type tun,link-mtu 1541,tun-mtu 1500,proto UDPv4,"
                  "ifconfig 10.8.0.1 10.8.0.2,cipher BF-CBC,auth SHA1,keysize 128,"
                  "key-method 2,tls-client")
OCC_CS_SERVER = ("V4,dev-type tun,link-mtu 1541,tun-mtu 1500,proto UDPv4,auth SHA1,"
                 "keysize 128,key-method 2,tls-server")
PI_P2P = "IV_CIPHERS=AES-256-GCM\nIV_PROTO=746\n"
PI_CLIENT = ("IV_VER=2.6.14\nIV_PLAT=linux\nIV_TCPNL=1\nIV_MTU=1600\nIV_NCP=2\n"
             "IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\nIV_PROTO=990\n"
             "IV_LZO_STUB=1\nIV_COMP_STUB=1\nIV_COMP_STUBv2=1\n")


# ---- config and options -------------------------------------------------------

TLS_CLIENT_CONF = """\
# P2P TLS client, the way the README demo writes one
tls-client
dev tun
proto udp
remote 10.77.250.2 1194
nobind
ifconfig 10.250.0.2 10.250.0.1
topology net30
data-ciphers AES-256-GCM:?CHACHA20-POLY1305
cipher AES-256-GCM
auth SHA256
remote-cert-tls server
verify-x509-name server name
key-direction 1
keepalive 10 60
verb 4
<ca>
-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUfuzz
-----END CERTIFICATE-----
</ca>
<cert>
-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUfuzz
-----END CERTIFICATE-----
</cert>
<key>
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEG
-----END PRIVATE KEY-----
</key>
<tls-auth>
""" + key_text(header=False) + "</tls-auth>\n"

QUOTING_CONF = (
    "\ufeff# BOM, CRLF, quotes and escapes\r\n"
    "dev \"tun0\"\r\n"
    "  proto\tudp4   ; trailing comment\r\n"
    "remote 'vpn.example.com' 1194 udp\r\n"
    "remote \"host\\ with\\ spaces\" 443 tcp-client\r\n"
    "writepid \"/run/openvpn\\ x.pid\"\r\n"
    "route 10.1.0.0 255.255.0.0 10.250.0.1 5\r\n"
    "route-ipv6 2001:db8:1::/48 2001:db8::1 3\r\n"
    "ifconfig-ipv6 2001:db8::2/64 2001:db8::1\r\n"
    "--verb 3\r\n")

PUSH_TEXT = ("route 10.8.0.0 255.255.255.0\ntopology subnet\n"
             "ifconfig 10.8.0.2 255.255.255.0\nroute-gateway 10.8.0.1\nping 10\n"
             "ping-restart 60\ncipher AES-256-GCM\ntun-mtu 1500\n"
             "explicit-exit-notify 2\nsndbuf 393216\n")

CCD_TEXT = "iroute 10.1.0.0 255.255.0.0\nifconfig-push 10.8.0.10 255.255.255.0\npush-reset\n"


# Options the other seeds leave out, each file valid on its own so that
# the fuzzer starts from inputs that get past the parser.
EXTRA_CONFS = {
    "transport-extra.conf":
        "dev tun7\ndev-type tun\ndev-node /dev/net/tun\nproto udp6\nlocal ::1\nlport 0\n"
        "rport 1195\nbind ipv6only\nremote 2001:db8::7 1196 udp6\nremote-random\n"
        "resolv-retry infinite\nconnect-retry 5 60\nconnect-retry-max 3\n"
        "connect-timeout 30\nfloat\nmark 7\nsndbuf 0\nrcvbuf 262144\ntxqueuelen 1000\n"
        "tun-mtu 1400 1500\ntopology p2p\nifconfig 10.4.0.1 10.4.0.2\npersist-tun\n"
        "persist-key\nroute-metric 7\nroute 10.5.0.0 255.255.0.0 default 9\n"
        "route-gateway dhcp\nroute-noexec\nifconfig-noexec\nping 5\nping-exit 30\n"
        "ping-timer-rem\ninactive 600 1000000\nexplicit-exit-notify\nmute 10\n",
    "tls-extra.conf":
        "tls-server\ndev tun\nca /dev/null\ncapath /\ncert /dev/null\nkey /dev/null\n"
        "dh none\ntls-auth /dev/null 0\nauth SHA512\ndata-ciphers AES-128-GCM:?BF-CBC:none\n"
        "data-ciphers-fallback AES-256-CBC\ncipher AES-128-CBC\nreplay-window 128 30\n"
        "mute-replay-warnings\nreneg-bytes 1000000\nreneg-pkts 100000\nreneg-sec 600 300\n"
        "tls-version-min 1.2 or-highest\ntls-version-max 1.3\n"
        "tls-cipher DEFAULT:@SECLEVEL=0\ntls-ciphersuites TLS_AES_256_GCM_SHA384\n"
        "tls-groups X25519:P-256\ntls-cert-profile preferred\nremote-cert-tls client\n"
        "verify-x509-name 'C=DE, CN=client' subject\ncrl-verify / dir\ntls-timeout 4\n"
        "hand-window 30\ntran-window 60\ntls-exit\nsingle-session\nmax-packet-size 100\n",
    "process-extra.conf":
        "dev tun\nsyslog ovpn\nsuppress-timestamps\ndaemon ovpn\nwritepid /run/x.pid\n"
        "user nobody\ngroup nogroup\ncd /etc\nchroot /var/empty\nscript-security 2\n"
        "log-append /var/log/x.log\nverb 11\ntun-ipv6\n",
    "genkey.conf": "genkey tls-crypt /tmp/never-written.key\n",
}


def configs():
    for name in ("p2p-a.conf", "p2p-b.conf"):
        with open(os.path.join(TOP, "sample-config", name), "rb") as f:
            data = f.read()
        write("config", name, data)
        write("options", name, data)
    for h_ in ("config", "options"):
        write(h_, "tls-client.conf", TLS_CLIENT_CONF)
        write(h_, "quoting.conf", QUOTING_CONF)
        write(h_, "push.conf", PUSH_TEXT)
        write(h_, "ccd.conf", CCD_TEXT)
    for name, text in EXTRA_CONFS.items():
        write("options", name, text)
    # The captured PUSH_REPLY of §9.3, one option per line, and the other
    # items 2.6 servers push, one per file since parsing stops at the first
    # option this version refuses.
    push = ("route-gateway 10.8.0.1,topology subnet,ping 10,ping-restart 120,"
            "ifconfig 10.8.0.2 255.255.255.0,peer-id 0,cipher AES-256-GCM,"
            "protocol-flags cc-exit tls-ekm dyn-tls-crypt,tun-mtu 1500")
    write("options", "push-reply-2.6.conf", push.replace(",", "\n") + "\n")
    for i, item in enumerate(("peer-id 0", "key-derivation tls-ekm", "auth-token SESS_ID_abc",
                              "protocol-flags cc-exit tls-ekm dyn-tls-crypt",
                              "redirect-gateway def1 bypass-dhcp", "dhcp-option DNS 192.0.2.53",
                              "dns server 0 address 192.0.2.53 [2001:db8::53]:5353",
                              "compress stub-v2", "route-ipv6 2000::/3",
                              "ifconfig-ipv6 2001:db8::1000/64 2001:db8::1")):
        write("options", "push-item-%02d.conf" % i, item + "\n")
    write("config", "inline-unclosed.conf", "dev tun\n<ca>\nline\n</cert>\n")
    # The part after the NUL is what every --config file reads as.
    write("options", "include-loop.conf", b"config /\nverb 4\n\0dev tun\nremote 192.0.2.7\nconfig /\n")
    write("options", "include.conf", b"verb 4\nconfig /etc\n\0dev tun\nremote 192.0.2.7\n")
    write("options", "tcp-server.conf",
          "proto tcp-server\nlport 1194\ndev tun5\nifconfig 10.9.0.1 10.9.0.2\n"
          "tls-server\ndh none\nca /dev/null\ncert /dev/null\n<key>\nx\n</key>\n"
          "<tls-crypt>\n" + key_text(header=False) + "</tls-crypt>\n")


# ---- control channel ---------------------------------------------------------------

def reliable_pkt():
    for name, pkt in (("hard-reset-client", HARD_RESET_CLIENT),
                      ("hard-reset-server", HARD_RESET_SERVER),
                      ("ack-v1", ACK_CLIENT), ("control-v1-client", CONTROL_CLIENT),
                      ("control-v1-server", CONTROL_SERVER), ("soft-reset", SOFT_RESET),
                      ("ack-v1-eight", ctl(5, CLIENT_SID, list(range(8)), SERVER_SID))):
        write("reliable_pkt", name, pkt)


def reliable():
    def op_packet(p):
        return b"\x00" + u16(len(p)) + p

    def op_enqueue(opcode, n):
        return b"\x03" + bytes([opcode]) + u16(n)

    def op_send(n=1, step=0):
        return b"\x04" + bytes([n]) + u16(step)

    deliver = b"\x02\x0f"
    take4, take8 = b"\x06\x04", b"\x06\x08"
    # Client side of §13.2: reset, server reset with ACK, ClientHello, server
    # flight in two parts (the second one first), ACKs.
    client = bytes([0, 0]) + u16(0)
    client += op_enqueue(7, 0) + op_send()
    client += op_packet(HARD_RESET_SERVER) + deliver + take4
    client += op_enqueue(4, 277) + op_send()
    client += op_packet(ctl(4, SERVER_SID, [1, 0], CLIENT_SID, 2, bytes(40)))
    client += op_packet(ctl(4, SERVER_SID, [1, 0], CLIENT_SID, 1, bytes(80)))
    client += deliver + take8 + op_send(2, 200) + b"\x07" + op_send(4, 0)
    client += op_packet(ctl(5, SERVER_SID, [1], CLIENT_SID)) + b"\x09"
    write("reliable", "client-handshake", client)
    # Server side with small windows, duplicates and a window overrun.
    server = bytes([3, 4]) + u16(500)
    server += op_packet(HARD_RESET_CLIENT) + op_packet(HARD_RESET_CLIENT) + deliver
    server += op_enqueue(8, 0) + op_send() + take4
    for i in (3, 2, 1, 9, 1):
        server += op_packet(ctl(4, CLIENT_SID, [0], SERVER_SID, i, bytes([i]) * 30))
    server += deliver + take8 + b"\x06\x08"
    for _ in range(4):
        server += op_enqueue(4, 100)
    server += op_send(8, 0) + b"\x0a" + u32(5000) + op_send(8, 0)
    server += b"\x05\x02" + b"\x05\x03" + b"\x05\x04" + op_send(8, 0) + b"\x08\x01"
    write("reliable", "server-windows", server)
    # Direct receives around the window edge and a big payload.
    edge = bytes([6, 12]) + u16(0)
    for d in (0, 1, 11, 12, 0xff):
        edge += b"\x01" + bytes([d]) + u16(64)
    edge += b"\x01\x02" + u16(2050) + deliver + take8
    write("reliable", "window-edge", edge)


def tls_wrap():
    # Config byte a: mode (0 none, 1 tls-auth, 2 tls-crypt) + digest << 2;
    # byte b: direction (0 bidi, 1 "0", 2 "1") | 4 for the TLS server.
    def raw(p, step=0):
        return bytes([step << 3 | 0]) + u16(len(p)) + p

    def sealed(p, pid, t, step=0):
        return bytes([step << 3 | 1]) + u32(pid) + u32(t) + u16(len(p)) + p

    def encoded(p, step=0):
        return bytes([step << 3 | 2]) + u16(len(p)) + p

    # Captured tls-auth packets: the server (direction 0) receives the
    # client's, the client (direction 1) the server's.
    write("tls_wrap", "auth-capture-server", bytes([1, 1]) + raw(AUTH_CLIENT_WIRE) +
          raw(AUTH_CLIENT_WIRE) + sealed(CONTROL_CLIENT, 2, 0x6b05e606))
    write("tls_wrap", "auth-capture-client", bytes([1, 2]) + raw(AUTH_SERVER_WIRE) +
          encoded(CONTROL_SERVER, 1))
    write("tls_wrap", "crypt-capture-server", bytes([2, 4]) + raw(CRYPT_CLIENT_WIRE) +
          sealed(ACK_CLIENT, 2, 0x6b05e618) + encoded(CONTROL_CLIENT))
    write("tls_wrap", "crypt-capture-client", bytes([2, 0]) + raw(CRYPT_SERVER_WIRE) +
          sealed(CONTROL_SERVER, 1, 0x6b05e619, 3))
    write("tls_wrap", "none", bytes([0, 0]) + raw(HARD_RESET_CLIENT) + encoded(CONTROL_CLIENT))
    # tls-auth SHA512, bidirectional, window 5: replays and an older timestamp.
    seq = bytes([1 | 4 << 2, 0 | 2 << 3])
    for pid, t in ((1, 100), (3, 100), (2, 100), (3, 100), (9, 100), (1, 99), (1, 101)):
        seq += sealed(CONTROL_CLIENT, pid, t, 1)
    seq += b"\x03" + u16(1250) + b"\x04"
    write("tls_wrap", "auth-sha512-replay", seq)


def keymethod():
    def s(text):
        if text is None:
            return b""
        b = text.encode() + b"\0" if text else b""
        return u16(len(b)) + b

    def msg(client, options, user="", password="", peer_info=None, method=2):
        m = bytes(4) + bytes([method])
        if client:
            m += bytes(range(48))
        m += bytes(range(100, 132)) + bytes(range(200, 232))
        m += s(options) + s(user) + s(password)
        if peer_info is not None:
            m += s(peer_info)
        return m

    write("keymethod", "p2p-client", msg(True, OCC_P2P_CLIENT, peer_info=PI_P2P))
    write("keymethod", "p2p-server", msg(False, OCC_P2P_CLIENT.replace("tls-client", "tls-server"),
                                         peer_info=PI_P2P))
    write("keymethod", "cs-client-auth", msg(True, OCC_P2P_CLIENT, "alice", "secret123", PI_CLIENT))
    write("keymethod", "cs-server", msg(False, OCC_CS_SERVER, peer_info=""))
    write("keymethod", "no-peer-info", msg(True, OCC_P2P_CLIENT))
    write("keymethod", "peer-info-text", PI_CLIENT + "IV_PROTO=2\nIV_CIPHERS=" + "AES-128-GCM:" * 30 + "\r\n")


def crypto():
    # Config byte a: algorithm (0 GCM, 1 ChaCha20, 2 CBC+SHA1, 3 CBC no auth,
    # 4 none+SHA256) | 8 for the server role; byte b: key id | window << 3.
    def sealed(payload, pid, v2=True, peer_id=0xd1f813, iv=bytes(range(16)), step=0, raw_pad=False):
        c = 1 | (4 if v2 else 0) | (8 if raw_pad else 0) | step << 5
        r = bytes([c])
        if v2:
            r += u32(peer_id)
        return r + u32(pid) + iv + u16(len(payload)) + payload

    def encrypted(payload, v2=True, peer_id=0):
        r = bytes([2 | (4 if v2 else 0)])
        if v2:
            r += u32(peer_id)
        return r + u16(len(payload)) + payload

    def raw(p):
        return b"\x00" + u16(len(p)) + p

    for alg, name in ((0, "aes-256-gcm"), (1, "chacha20-poly1305"), (2, "aes-256-cbc-sha1"),
                      (3, "aes-256-cbc-noauth"), (4, "none-sha256")):
        seed = bytes([alg, 0])
        seed += encrypted(IPV4_UDP) + encrypted(b"", v2=False)
        seed += sealed(IPV4_UDP, 3) + sealed(IPV4_UDP, 4, v2=False) + sealed(IPV4_UDP, 3)
        seed += raw(h("48d1f813") + bytes(40))
        write("crypto", name, seed)
    # Server role, key id 2, window 5: replays, expiry, bad padding, key id mismatch.
    seq = bytes([2 | 8, 2 | 2 << 3])
    for pid in (10, 8, 8, 4, 11, 9):
        seq += sealed(IPV4_UDP[:31], pid, step=3)
    seq += sealed(bytes(28), 12, raw_pad=True) + bytes([1 | 16]) + b"\x05" + u32(13) + bytes(16) + u16(4) + b"ping"
    write("crypto", "cbc-server-replay", seq)


def keyfile():
    write("keyfile", "genkey-2048", key_text())
    write("keyfile", "crlf", key_text(eol="\r\n", header=False))
    write("keyfile", "one-key-1024", key_text(KEY_HEX[:256], header=False))
    wide = ("# 8 lines of 64 digits, blanks around the markers\n"
            "  -----BEGIN OpenVPN Static key V1-----  \n" +
            "\n".join(KEY_HEX[i:i + 64] for i in range(0, 512, 64)) +
            "\n\t-----END OpenVPN Static key V1-----\ntrailing text\n")
    write("keyfile", "wide-lines", wide)
    write("keyfile", "odd-digits", key_text(KEY_HEX[:511], header=False))


CV2_SERVER = """-----BEGIN OpenVPN tls-crypt-v2 server key-----
9b3UuR/l/IvquSrhHNM7RCLt1ceJ+YSAeYgkrRNeRfgKYh2REPW8r+G8y3DLlee0
KlbiX+9wKZZjRV3Uckr3zSmkGpYo0wzRB1JBfHKCJ4MI2wDcHA1fvZb52t7gS/tS
psGOuXGl7trm++o/GSXl3WiRdC+KRf1GYfGRG/39pZU=
-----END OpenVPN tls-crypt-v2 server key-----
"""

CV2_CLIENT = """-----BEGIN OpenVPN tls-crypt-v2 client key-----
l3WWr2c2dHaPAPmIp0UtIpfL+Frxhrg888nyz94r2In0ima5Y79Yn8Fejrpwr/2o
bLULRukfoxwvk3DHAQva9OCkliXWH+0nZ8WCc28kFSwlxy5n3FasWeUnd0O8aGlU
q9IMtN5DQyNZLRIXRM6feX6snUtb8RibsMqPOubfj8Uf8qxongHc0Dx0eh9OWMoR
w2sAXv1/+aXrFDW8titkCQmWUFSA/WCETD/C3trmwv7R2YusyNZ0mdnQUI2iBFjP
LOKCCEPpM1kJ8olcjvhSfZLJEFZJCTzCkDoFVdFivB89q/jBjukTyvOxKoZ2MVkj
/wJqFyt5xtHhtWQKEryo9YYxmCWxCCitij6Y0E+HV7BcNk/doX3hP4fx//4UiwXM
HkxM67UTGb0J+1PfPVKxcV+B+PzhNAk2aaNl8dX7FFyVxQxqG3P+BVwy8h/RaFQ8
WboCZrvPCHGdC23VADD2Yxgs/0eV2NKhCST32Ptgd9bmItZ4IyfPq0kIlWev3Z6o
ddsFwiSPUjCW8S4tRkd8zaK9GwMBbxkLy2OI37drWIEtAY8KJtENxA4jQRFaZW0c
661HQOR1IVc1Up0yg3qGgWSaHk8LrBduI/qMe/S/K4XGpZ0FyAUIuw8whZjFKwLz
XSKUTWYwwmVyuEOrFfKlevO65Ceg+EUHyxqdXsADnuzhxtrOeJjM5kevFjoQG4TP
r+6SVhToFw/n6LXTcTiWJ+D8AbO9oQEo
-----END OpenVPN tls-crypt-v2 client key-----
"""


def tls_crypt_v2():
    import base64
    body = "".join(l for l in CV2_CLIENT.splitlines() if not l.startswith("-----"))
    raw = base64.b64decode(body)
    wkc = raw[256:]
    write("tls_crypt_v2", "server-key", b"\x00" + CV2_SERVER.encode())
    write("tls_crypt_v2", "client-key", b"\x00" + CV2_CLIENT.encode())
    write("tls_crypt_v2", "wkc-debian", b"\x01" + wkc)
    write("tls_crypt_v2", "wkc-sealed", b"\x01" + u16(40) + raw[:256] + b"\x01" + bytes(8))
    # a HARD_RESET_CLIENT_V3 shape: header, replay id 0x0f000001, tag, body, WKc
    v3 = bytes([0x50]) + bytes(range(1, 9)) + u32(0x0f000001) + u32(1000) + bytes(32) + \
        bytes(5) + wkc
    write("tls_crypt_v2", "v3-reset", b"\x02" + v3)


def addr():
    for i, s in enumerate(("10.8.0.1", "255.255.255.0", "0.0.0.0", "2001:db8::1",
                           "2001:db8::1/64", "::/0", "::ffff:192.0.2.1", "fe80::1%eth0",
                           "1194", "65535", "01.2.3.4", "1:2:3:4:5:6:7:8/128")):
        write("addr", "addr-%02d" % i, s)


def ccd():
    write("ccd", "iroute-push", "iroute 192.168.50.0 255.255.255.0\n"
          "iroute-ipv6 fd00:50::/64\nifconfig-push 10.8.0.50 255.255.255.0\n"
          "push \"route 192.168.60.0 255.255.255.0\"\npush-remove dhcp-option\n")
    write("ccd", "disable", "disable\n")
    write("ccd", "compression", "comp-lzo no\npush \"comp-lzo no\"\n")
    write("ccd", "compression-refused", "compress lz4-v2\n")
    write("ccd", "push-reset", "push-reset\npush \"ping 5\"\n"
          "ifconfig-ipv6-push fd00:8::50/64 fd00:8::1\n")
    # a ccd file, then client-connect output for the same client
    write("ccd", "then-client-connect", b"iroute 10.99.0.0 255.255.0.0\n\0"
          b"ifconfig-push 10.8.0.77 255.255.255.0\ncompress stub-v2\n")
    write("ccd", "not-allowed", "route 10.0.0.0 255.0.0.0\n")


def push():
    r26 = ("PUSH_REPLY,route-gateway 10.8.0.1,topology subnet,ping 10,ping-restart 120,"
           "ifconfig 10.8.0.2 255.255.255.0,peer-id 0,cipher AES-256-GCM,"
           "protocol-flags cc-exit tls-ekm dyn-tls-crypt,tun-mtu 1500")
    write("push", "debian-2.6", r26 + "\n")
    write("push", "migrate", r26.replace("ping-restart 120,",
                                         "ping-restart 120,compress stub-v2,") + "\n")
    write("push", "two-parts",
          "PUSH_REPLY,route 10.1.0.0 255.255.0.0,route 10.2.0.0 255.255.0.0,"
          "push-continuation 2\n"
          "PUSH_REPLY,ifconfig 10.8.0.6 10.8.0.5,topology net30,push-continuation 1\n")
    write("push", "filtered", "!\nPUSH_REPLY,route 10.3.0.0 255.255.0.0,route 172.16.0.0 "
          "255.240.0.0,dhcp-option DNS 10.8.0.1,redirect-gateway def1,"
          "ifconfig 10.8.0.2 255.255.255.0,topology subnet\n")
    write("push", "ipv6-dns", "PUSH_REPLY,ifconfig-ipv6 fd00:8::1000/64 fd00:8::1,"
          "dns server 0 address 10.8.0.1,dns search-domains example.net,"
          "ifconfig 10.8.0.2 255.255.255.0,topology subnet,comp-lzo no\n")
    write("push", "not-a-reply", "AUTH_FAILED,bad\nPUSH_REPLY,,ping 5,\n")


def comp():
    ip = bytes.fromhex("450000541c4640004001") + bytes(74)
    zeros = bytes.fromhex("450005a0000040004001") + bytes(1430)
    # selector: framing = low 3 bits (none, stub, stub-v2, lzo-stub, lzo,
    # lz4, lz4-v2), --allow-compression = next 2 bits (no, asym, yes)
    write("comp", "lzo-stub", bytes([3]) + b"\xfa" + ip)
    write("comp", "lzo-compressed", bytes([4 | 8]) + b"\x66" + ip)
    write("comp", "stub-swap", bytes([1]) + b"\xfb" + ip[1:] + ip[:1])
    write("comp", "stub-v2-escaped", bytes([2]) + b"\x50\x00\x50" + ip[1:])
    write("comp", "stub-v2-plain", bytes([2]) + ip)
    write("comp", "lz4-v2-plain", bytes([6 | 8]) + ip)
    # LZ4 blocks: the literals, a match repeating the last byte, five
    # closing literals (the block format wants the last 5 bytes literal)
    def lz4_block(lits, match):
        ext = match - 4
        tok = (min(len(lits), 15) << 4) | min(ext, 15)
        out = bytes([tok])
        if len(lits) >= 15:
            n = len(lits) - 15
            out += b"\xff" * (n // 255) + bytes([n % 255])
        out += lits + b"\x01\x00"
        if ext >= 15:
            n = ext - 15
            out += b"\xff" * (n // 255) + bytes([n % 255])
        return out + b"\x50" + bytes(5)
    block = lz4_block(zeros[:11], len(zeros) - 16)
    write("comp", "lz4-v2-block", bytes([6 | 16]) + b"\x50\x01" + block)
    write("comp", "lz4-swap-block", bytes([5 | 8]) + b"\x69" + block[1:] + block[:1])
    # a decompression bomb: 20 kB of zeros from a 100-byte block
    write("comp", "lz4-bomb", bytes([6 | 8]) + b"\x50\x01" + lz4_block(b"\0", 20000))
    write("comp", "v2-lzo", bytes([6 | 8]) + b"\x50\x02" + ip)


def pool_persist():
    write("pool_persist", "subnet", bytes([2]) + b"Test-Client,10.8.0.2,\nalice,10.8.0.9,\n")
    write("pool_persist", "net30", bytes([0]) + b"Test-Client,10.8.0.4,\nbob,10.8.0.8,\n")
    write("pool_persist", "dual-stack", bytes([3]) + b"a,10.8.0.2,fd00:8::1000\n"
          b"b,10.8.0.3,fd00:8::1001\n# comment\n; other\n\n")
    write("pool_persist", "ipv6-only", bytes([4 | 3]) + b"c,,fd00:8::1002\n")
    write("pool_persist", "comma-in-name", bytes([2]) + b"CN=x,O=y,10.8.0.5,\n")
    write("pool_persist", "old-2.3", bytes([1]) + b"carol,10.8.0.7\n")
    write("pool_persist", "junk", bytes([2]) + b"x,300.1.1.1,\nno-comma\ny,10.9.0.1,\n"
          b"z,10.8.0.2,\nz,10.8.0.3,\n")


def nlattr(t, payload):
    n = 4 + len(payload)
    return struct.pack("<HH", n, t) + payload + bytes((4 - n % 4) % 4)


def dco_nl():
    fam = 0x20
    # genl header: cmd, version, reserved
    def genl(cmd, attrs, seq=0, typ=fam, flags=0):
        body = bytes([cmd, 1, 0, 0]) + attrs
        return struct.pack("<IHHII", 16 + len(body), typ, flags, seq, 0) + body
    ifindex = nlattr(1, struct.pack("<I", 7))
    # OVPN_CMD_DEL_PEER notification (cmd 3): ifindex, nested del_peer (4)
    del_peer = nlattr(4 | 0x8000, nlattr(1, bytes([2])) + nlattr(2, struct.pack("<I", 5)))
    write("dco_nl", "del-peer-notification", bytes([0]) + genl(3, ifindex + del_peer))
    # GET_PEER reply (cmd 7): nested get_peer (8) response with counters
    stats = (nlattr(1, struct.pack("<I", 5)) + nlattr(9, struct.pack("<Q", 1000)) +
             nlattr(10, struct.pack("<Q", 2000)) + nlattr(13, struct.pack("<Q", 1100)) +
             nlattr(14, struct.pack("<Q", 2100)) + nlattr(11, struct.pack("<I", 10)) +
             nlattr(12, struct.pack("<I", 20)))
    write("dco_nl", "get-peer-reply", bytes([1]) + genl(7, ifindex + nlattr(8 | 0x8000, stats)))
    write("dco_nl", "get-peer-reply-attrs-reversed",
          bytes([1]) + genl(7, nlattr(8 | 0x8000, stats) + ifindex))
    # NLMSG_ERROR (type 2): ACK, and an error with an extack message
    req = struct.pack("<IHHII", 16, fam, 5, 1, 0)
    ack = struct.pack("<i", 0) + req
    write("dco_nl", "ack", bytes([2]) + struct.pack("<IHHII", 16 + len(ack), 2, 0, 1, 0) + ack)
    err = struct.pack("<i", -22) + req + nlattr(1, b"peer not found\0")
    write("dco_nl", "error-extack", bytes([2]) +
          struct.pack("<IHHII", 16 + len(err), 2, 0x100 | 0x200, 1, 0) + err)


def mss():
    def csum(data):
        if len(data) % 2:
            data += b"\0"
        s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        return (~s) & 0xffff

    def segment(src, dst, pseudo_len_first, opts, flags=0x02):
        tcp = struct.pack("!HHIIBBHHH", 50000, 80, 1, 0, (20 + len(opts)) // 4 << 4, flags,
                          64240, 0, 0) + opts
        c = csum(pseudo_len_first(len(tcp)) + tcp)
        return tcp[:16] + struct.pack("!H", c) + tcp[18:]

    linux = bytes.fromhex("020405b40402080a000000010000000001030307")
    odd = bytes.fromhex("01020405b4030307")
    s4, d4 = bytes([10, 8, 0, 1]), bytes([10, 8, 0, 2])
    for name, opts, flags in (("v4-syn", linux, 0x02), ("v4-synack-odd", odd, 0x12),
                              ("v4-ack", linux, 0x10)):
        tcp = segment(s4, d4, lambda n: s4 + d4 + struct.pack("!BBH", 0, 6, n), opts, flags)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, s4, d4)
        write("mss", name, struct.pack("!H", 1400) + ip + tcp)
    s6, d6 = bytes(15) + b"\1", bytes(15) + b"\2"
    tcp = segment(s6, d6, lambda n: s6 + d6 + struct.pack("!IxxxB", n, 6), linux)
    ip = struct.pack("!IHBB16s16s", 0x60000000, len(tcp), 6, 64, s6, d6)
    write("mss", "v6-syn", struct.pack("!H", 1400) + ip + tcp)


def main():
    configs()
    reliable_pkt()
    reliable()
    tls_wrap()
    keymethod()
    crypto()
    keyfile()
    addr()
    ccd()
    push()
    comp()
    mss()
    pool_persist()
    dco_nl()
    tls_crypt_v2()
    return 0


if __name__ == "__main__":
    sys.exit(main())
