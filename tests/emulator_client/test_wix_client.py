"""A Wix REST client written only from shared/wix-api.md, run against the wix-emulator binary.

Python 3 standard library only (plus pytest as the runner). It checks that the emulator behaves
the way the spec says Wix does, from the outside: Query Sites with live cursor paging (`metadata`,
the namespace filter that reveals headless sites, cursor-only follow-ups), a plain
generate-upload-url + PUT, a tus upload that survives a dropped PATCH by resuming from HEAD,
the finalising PUT, and polling PENDING -> READY. Byte-exact storage is verified through the
emulator's control API (its SHA-256 listing), which a real Wix would not have.

Binary: $WIX_EMULATOR_BIN, default /work/main/target/debug/wix-emulator.
"""

import base64
import hashlib
import http.client
import json
import os
import subprocess
import threading
import time
import urllib.parse

import pytest

DEFAULT_BIN = "/work/main/target/debug/wix-emulator"
CHUNK = 8 * 1024 * 1024  # the chunk size public raw-HTTP tus code uses (wix-api.md §5)


class WixError(Exception):
    """An HTTP error, with the Wix error body parsed when it is JSON (§1.3)."""

    def __init__(self, status, body, headers):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None  # HTML or other non-JSON bodies happen (§1.2)
        super().__init__(f"HTTP {status}: {self.summary()}")

    def code(self):
        if isinstance(self.json, dict):
            return self.json.get("details", {}).get("applicationError", {}).get("code")
        return None

    def violations(self):
        if isinstance(self.json, dict):
            return self.json.get("details", {}).get("validationError", {}).get("fieldViolations", [])
        return []

    def summary(self):
        if isinstance(self.json, dict):
            return self.json.get("message", "")
        return (self.raw or b"")[:80].decode("utf-8", "replace")


class Http:
    """One kept-alive HTTP/1.1 connection per host, reopened after a failure."""

    def __init__(self):
        self.conns = {}

    def request(self, method, url, body=None, headers=None):
        u = urllib.parse.urlsplit(url)
        key = (u.hostname, u.port)
        path = u.path + ("?" + u.query if u.query else "")
        # A kept-alive connection may have been closed by the server after its last answer
        # (e.g. an error sent before the request body was read). Like any HTTP client's pool,
        # send again once on a fresh connection when a *reused* one turns out to be dead.
        for fresh in (False, True):
            conn = self.conns.get(key)
            reused = conn is not None
            if conn is None:
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
                self.conns[key] = conn
            try:
                conn.request(method, path, body=body, headers=headers or {})
                resp = conn.getresponse()
                data = resp.read()
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                conn.close()
                del self.conns[key]
                if reused and not fresh:
                    continue
                raise
            except (OSError, http.client.HTTPException):
                conn.close()
                del self.conns[key]
                raise
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


class WixClient:
    """The subset of Wix REST that Wixdrop uses, per wix-api.md."""

    def __init__(self, base_url, api_key):
        self.base = base_url.rstrip("/")
        self.key = api_key
        self.http = Http()

    def _call(self, method, path, *, account=None, site=None, body=None, retries=4):
        headers = {"Authorization": self.key}  # raw key, no Bearer (§1.1)
        if account:
            headers["wix-account-id"] = account
        if site:
            headers["wix-site-id"] = site
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(retries + 1):
            status, hdrs, raw = self.http.request(method, self.base + path, data, headers)
            if status == 429 or status >= 500:  # retry with backoff, honour Retry-After (§1.4)
                if attempt < retries:
                    time.sleep(float(hdrs.get("retry-after", 0.05 * 2**attempt)))
                    continue
            if status >= 400:
                raise WixError(status, raw, hdrs)
            return json.loads(raw)
        raise AssertionError("unreachable")

    def query_sites(self, account_id, limit=100):
        """§3 as live Wix answers: the first request filters on both namespaces (headless sites
        are hidden otherwise), follow-ups send only the cursor; paging is in `metadata`, with
        `pagingMetadata` (older docs) as the fallback; never more than 1,000 sites."""
        sites, seen = [], set()
        body = {"query": {"filter": {"namespace": {"$in": ["WIX", "HEADLESS"]}},
                          "cursorPaging": {"limit": limit}}}
        while True:
            page = self._call("POST", "/site-list/v2/sites/query", account=account_id, body=body)
            sites.extend(page.get("sites") or [])
            meta = page.get("metadata") or page.get("pagingMetadata") or {}
            cursor = (meta.get("cursors") or {}).get("next")
            if meta.get("hasNext") is False or not cursor or cursor in seen or len(sites) >= 1000:
                return sites[:1000]
            seen.add(cursor)
            body = {"query": {"cursorPaging": {"limit": limit, "cursor": cursor}}}

    def get_file(self, site_id, file_id):
        q = urllib.parse.urlencode({"fileId": file_id})
        return self._call("GET", f"/site-media/v1/files/get-file-by-id?{q}", site=site_id)["file"]

    def upload_small(self, site_id, name, mime, data):
        gen = self._call("POST", "/site-media/v1/files/generate-upload-url", site=site_id,
                         body={"mimeType": mime, "fileName": name, "sizeInBytes": str(len(data))})
        url = gen["uploadUrl"] + "?" + urllib.parse.urlencode({"filename": name})
        # The upload URL carries its own token: no Authorization, no wix-site-id (§4.2).
        status, hdrs, raw = self.http.request("PUT", url, data, {"Content-Type": mime})
        if status != 200:
            raise WixError(status, raw, hdrs)
        return json.loads(raw)["file"]

    def upload_resumable(self, site_id, name, mime, data, on_patch_error=None):
        gen = self._call("POST", "/site-media/v1/files/generate-resumable-upload-url", site=site_id,
                         body={"mimeType": mime, "fileName": name, "sizeInBytes": str(len(data))})
        upload_url, token = gen["uploadUrl"], gen["uploadToken"]
        meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}"
                        for k, v in (("filename", name), ("contentType", mime), ("token", token)))
        status, hdrs, raw = self.http.request("POST", upload_url, b"", {
            "Tus-Resumable": "1.0.0", "Upload-Length": str(len(data)), "Upload-Metadata": meta})
        assert status == 201, (status, raw)
        location = urllib.parse.urljoin(upload_url, hdrs["location"])
        offset, failures = 0, 0
        while offset < len(data):
            chunk = data[offset:offset + CHUNK]
            try:
                status, hdrs, raw = self.http.request("PATCH", location, chunk, {
                    "Tus-Resumable": "1.0.0", "Upload-Offset": str(offset),
                    "Content-Type": "application/offset+octet-stream"})
            except (OSError, http.client.HTTPException) as e:
                failures += 1
                assert failures < 5, "too many dropped PATCHes"
                if on_patch_error:
                    on_patch_error(e)
                status, hdrs, raw = self.http.request("HEAD", location, None, {"Tus-Resumable": "1.0.0"})
                assert status == 200, status
                assert hdrs.get("cache-control") == "no-store"
                offset = int(hdrs["upload-offset"])
                continue
            assert status == 204, (status, raw)
            offset = int(hdrs["upload-offset"])
        final = f"{upload_url}/{token}?" + urllib.parse.urlencode({"filename": name})
        status, hdrs, raw = self.http.request("PUT", final, b"{}", {"Content-Type": "application/json"})
        if status != 200:
            raise WixError(status, raw, hdrs)
        return json.loads(raw)["file"], failures

    def wait_ready(self, site_id, file_id, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            f = self.get_file(site_id, file_id)
            if f["operationStatus"] != "PENDING" or time.monotonic() > deadline:
                return f
            time.sleep(0.1)


def control(base_url, method, path, body=None):
    """The emulator's own control API (not Wix)."""
    u = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    assert resp.status == 200, (path, resp.status, raw)
    return json.loads(raw)


@pytest.fixture(scope="module")
def emulator():
    binary = os.environ.get("WIX_EMULATOR_BIN", DEFAULT_BIN)
    if not os.path.isfile(binary):
        pytest.fail(f"wix-emulator binary not found at {binary}: build it with "
                    f"`cargo build -p wix-emulator` or set WIX_EMULATOR_BIN", pytrace=False)
    proc = subprocess.Popen([binary, "--port", "0", "--processing-delay-ms", "1500"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(15)
    if not line or not line[0]:
        proc.kill()
        pytest.fail(f"emulator printed no JSON line; stderr: {proc.stderr.read()[:500]!r}", pytrace=False)
    info = json.loads(line[0])
    yield info
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_seed_line_shape(emulator):
    assert emulator["base_url"].startswith("http://127.0.0.1:")
    assert emulator["api_key"].startswith("IST.") and emulator["api_key"].count(".") == 3
    payload = emulator["api_key"].split(".")[2]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data = json.loads(claims["data"])  # `data` is a JSON *string* (§2.1)
    assert data["tenant"] == {"type": "account", "id": emulator["account_id"]}
    assert isinstance(claims["iat"], int)
    assert len(emulator["sites"]) >= 1


def test_query_sites_lists_seeded_sites_with_paging(emulator):
    client = WixClient(emulator["base_url"], emulator["api_key"])
    sites = client.query_sites(emulator["account_id"], limit=2)
    assert sorted(s["id"] for s in sites) == sorted(s["id"] for s in emulator["sites"])
    assert all(s["displayName"] for s in sites)


def test_query_sites_pages_live_and_finds_headless_sites(emulator):
    base = emulator["base_url"]
    account = control(base, "POST", "/__emulator/accounts", {})["account_id"]
    control(base, "POST", "/__emulator/sites", {"account_id": account, "count": 130})
    control(base, "POST", "/__emulator/sites", {"account_id": account, "count": 3, "namespace": "HEADLESS"})
    key = control(base, "POST", "/__emulator/keys", {"account_id": account})["api_key"]
    client = WixClient(base, key)
    sites = client.query_sites(account)
    assert len(sites) == 133 and len({s["id"] for s in sites}) == 133
    assert sum(s["namespace"] == "HEADLESS" for s in sites) == 3
    # Without the namespace filter, live Wix hides headless sites.
    page = client._call("POST", "/site-list/v2/sites/query", account=account, body={})
    assert "pagingMetadata" not in page and page["metadata"]["hasNext"] is True
    assert len(page["sites"]) <= 100 and all(s["namespace"] == "WIX" for s in page["sites"])


def test_errors_are_wix_shaped(emulator):
    client = WixClient(emulator["base_url"], "not-a-key")
    with pytest.raises(WixError) as e:
        client.query_sites(emulator["account_id"])
    assert e.value.status == 401 and e.value.code()
    good = WixClient(emulator["base_url"], emulator["api_key"])
    with pytest.raises(WixError) as e:
        good._call("POST", "/site-media/v1/files/generate-upload-url",
                   site=emulator["sites"][0]["id"], body={"fileName": "a.png"})
    assert e.value.status == 400
    assert "mimeType" in [v["field"] for v in e.value.violations()]
    with pytest.raises(WixError) as e:
        good.get_file(emulator["sites"][0]["id"], "000000_00000000000000000000000000000000~mv2.jpg")
    assert e.value.status == 404
    # An HTML error page must not break the parser; a 429 with Retry-After is retried.
    control(emulator["base_url"], "POST", "/__emulator/faults", {
        "method": "POST", "path_prefix": "/site-list/",
        "fault": {"type": "status", "status": 429, "retry_after": 0}})
    assert good.query_sites(emulator["account_id"])
    control(emulator["base_url"], "POST", "/__emulator/faults", {
        "path_prefix": "/site-list/", "fault": {"type": "status", "status": 403, "body": "html"}})
    with pytest.raises(WixError) as e:
        good.query_sites(emulator["account_id"])
    assert e.value.status == 403 and e.value.json is None and b"<html>" in e.value.raw


def test_small_image_upload_is_ready_and_byte_exact(emulator):
    client = WixClient(emulator["base_url"], emulator["api_key"])
    site = emulator["sites"][0]["id"]
    data = os.urandom(40_000)
    f = client.upload_small(site, "pixel.png", "image/png", data)
    assert f["operationStatus"] == "READY"
    assert f["sizeInBytes"] == str(len(data))  # a string, as in Wix
    assert f["mediaType"] == "IMAGE"
    assert client.get_file(site, f["id"])["id"] == f["id"]
    stored = control(emulator["base_url"], "GET", f"/__emulator/sites/{site}/files")["files"]
    mine = [s for s in stored if s["id"] == f["id"]]
    assert mine and mine[0]["sha256"] == hashlib.sha256(data).hexdigest()


def test_video_over_tus_resumes_after_a_dropped_patch(emulator):
    client = WixClient(emulator["base_url"], emulator["api_key"])
    site = emulator["sites"][1]["id"]
    data = os.urandom(20 * 1024 * 1024)
    control(emulator["base_url"], "POST", "/__emulator/faults", {
        "method": "PATCH", "path_prefix": "/tus/",
        "fault": {"type": "reset", "after_bytes": 5 * 1024 * 1024}, "times": 1})
    errors = []
    f, failures = client.upload_resumable(site, "clip.mp4", "video/mp4", data, errors.append)
    assert failures == 1, errors
    assert f["operationStatus"] == "PENDING"
    assert f["sizeInBytes"] == str(len(data))
    ready = client.wait_ready(site, f["id"])
    assert ready["operationStatus"] == "READY"
    stored = control(emulator["base_url"], "GET", f"/__emulator/sites/{site}/files")["files"]
    mine = [s for s in stored if s["id"] == f["id"]]
    assert mine and mine[0]["sha256"] == hashlib.sha256(data).hexdigest()
    assert mine[0]["size"] == len(data)
    log = control(emulator["base_url"], "GET", "/__emulator/log")["requests"]
    assert any(r["method"] == "HEAD" and r["path"].startswith("/tus/") for r in log)
    assert not any(emulator["api_key"] in json.dumps(r) for r in log)
