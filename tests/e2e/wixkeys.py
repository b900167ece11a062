"""Credentials of the real shapes, built at run time (never a real key in the repository)."""
import base64
import json
import os
import time
import uuid


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(header: dict, payload: dict, sig_len: int = 256) -> str:
    return ".".join([b64url(json.dumps(header).encode()), b64url(json.dumps(payload).encode()), b64url(os.urandom(sig_len))])


def api_key(account_id: str, key_id: str | None = None) -> str:
    data = {"id": key_id or str(uuid.uuid4()), "identity": {"type": "application", "id": str(uuid.uuid4())}, "tenant": {"type": "account", "id": account_id}}
    return "IST." + jws({"kid": "test", "alg": "RS256"}, {"data": json.dumps(data), "iat": int(time.time()) - 86400})


def oauth_access_token(meta_site_id: str) -> str:
    now = int(time.time())
    data = {"instance": {"instanceId": str(uuid.uuid4()), "metaSiteId": meta_site_id, "permissions": "OWNER"}}
    return "OauthNG.JWS." + jws({"kid": "test", "alg": "HS256"}, {"data": json.dumps(data), "iat": now, "exp": now + 14400}, 32)
