#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd): stores every accepted message as N.eml in
OUTDIR, prints "READY <port>" and runs until its standard input closes.

usage: smtp_server.py OUTDIR [--refuse-data N] [--reject ADDRESS]... [--auth USER:PASSWORD]
                      [--starttls CERT KEY | --tls CERT KEY]

--starttls requires STARTTLS before MAIL (a plain session is refused with 530); --tls speaks
TLS from the first byte (implicit TLS, as on port 465).
"""
import argparse
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, outdir, refuse, reject):
        self.outdir = outdir
        self.refuse = refuse
        self.reject = set(a.lower() for a in reject)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 mailbox unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        n = len([f for f in os.listdir(self.outdir) if f.endswith(".eml")])
        path = os.path.join(self.outdir, "%d.eml" % (n + 1))
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(os.path.join(self.outdir, "%d.rcpt" % (n + 1)), "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("outdir")
    p.add_argument("--refuse-data", type=int, default=0)
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--auth")
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    a = p.parse_args()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    kwargs = {}
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login.decode() == user
                  and auth_data.password.decode() == password)
            return AuthResult(success=ok)

        kwargs = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    for pair, implicit in ((a.starttls, False), (a.tls, True)):
        if pair:
            # PROTOCOL_TLS (not _SERVER): the controller's readiness probe wraps a client
            # socket with the same context.
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS)
            ctx.load_cert_chain(pair[0], pair[1])
            if implicit:
                kwargs["ssl_context"] = ctx
            else:
                kwargs.update(tls_context=ctx, require_starttls=True)
    c = Controller(Handler(a.outdir, a.refuse_data, a.reject), hostname="127.0.0.1", port=port,
                   **kwargs)
    c.start()
    print("READY %d" % port, flush=True)
    try:
        sys.stdin.read()
    finally:
        c.stop()


if __name__ == "__main__":
    main()
