"""Networks like offices have, in the real window: the app's API base is an HTTPS server whose
certificate comes from a CA this computer does not trust (what a TLS-inspecting proxy looks
like to a program that does not have IT's root certificate). *Save and verify* must say that
the certificate is not trusted, once, in plain words, and never call it something Wix said.

The CA, the leaf and the TLS front are made here with the `openssl` CLI and Python's `ssl`
module, on loopback only; the front forwards to the emulator like an inspecting proxy would."""
from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest


def make_untrusted_leaf(d: Path) -> tuple[Path, Path]:
    """A throwaway CA (never installed anywhere) and a leaf for 127.0.0.1 signed by it."""
    if not shutil.which("openssl"):
        pytest.fail("the openssl CLI is needed (Debian package openssl; scripts/setup.sh installs it)")

    def ossl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    ossl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Wixdrop e2e Inspection CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    ossl("req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=127.0.0.1")
    (d / "leaf.ext").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    ossl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "1", "-extfile", "leaf.ext")
    return d / "leaf.pem", d / "leaf.key"


class TlsFront:
    """HTTPS on 127.0.0.1 with the given certificate, each connection piped to `target`."""

    def __init__(self, cert: Path, key: Path, target: tuple[str, int]):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.target = target
        self.handshakes_refused = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            self.handshakes_refused += 1  # the client did not trust us: what this test is about
            conn.close()
            return
        up = socket.create_connection(self.target)

        def pipe(a: socket.socket, b: socket.socket) -> None:
            try:
                while data := a.recv(65536):
                    b.sendall(data)
            except OSError:
                pass
            finally:
                for s in (a, b):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        threading.Thread(target=pipe, args=(up, tls), daemon=True).start()
        pipe(tls, up)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def untrusted_front(tmp_path: Path, emulator):
    cert, key = make_untrusted_leaf(tmp_path)
    host, port = emulator.base_url.removeprefix("http://").rstrip("/").split(":")
    front = TlsFront(cert, key, (host, int(port)))
    yield front
    front.close()


def test_untrusted_certificate_is_named_once_in_plain_words(launch, emulator, app_env, untrusted_front, artifacts):
    env = {**app_env, "WIXDROP_API_BASE": f"https://127.0.0.1:{untrusted_front.port}"}
    s = launch(**env)
    s.js("location.hash = '#/keys'")
    s.type('[data-testid="paste-key"]', emulator.api_key)
    s.wait('[data-testid="key-badge"][data-usable="true"]')
    s.type('[data-testid="profile-name"]', "Office")
    s.click('[data-testid="save-key"]')

    panel = s.text(s.wait('[data-testid="verification"][data-status="unreachable"]', timeout=30))
    s.screenshot(artifacts / "network-01-untrusted-certificate.png")
    summary = s.text(s.wait('[data-testid="verification-summary"]'))
    assert summary.startswith("The certificate presented for 127.0.0.1 is not trusted by this computer."), summary
    assert "company proxy or antivirus" in summary, summary
    assert "Ask IT to install the network's root certificate" in panel and "SSL_CERT_FILE" in panel, panel
    # The technical cause is there, labelled as details: Wix never answered.
    assert s.js("return document.querySelector('[data-testid=verification-detail] summary').textContent") == "Technical details"
    assert s.js("return document.querySelector('[data-testid=verification-detail] p').textContent") == "invalid peer certificate: UnknownIssuer"
    body = s.js("return document.body.innerText")
    assert body.count("is not trusted by this computer") == 1, body
    assert "Wix said" not in body and "internet connection" not in body, body
    assert untrusted_front.handshakes_refused >= 1

    # Done: the profile's card has the check now, still once.
    s.click('[data-testid="add-done"]')
    card = s.text(s.wait('[data-profile="Office"]'))
    assert "Needs attention" in card, card
    body = s.js("return document.body.innerText")
    assert body.count("is not trusted by this computer") == 1, body
    s.screenshot(artifacts / "network-02-profile-card.png")

    # The guide link leads to the network section.
    s.click('[data-testid="verification-guide-link"]')
    s.wait_text("main h1", "Guide")
    assert s.js("return location.hash") == "#/guide/trouble-network"
    s.screenshot(artifacts / "network-03-guide.png")
