"""Who may call what, over real HTTP: JWTs (HS256 with rotation, ES256 from a JWKS URL),
API keys (hashed, listed with last use, revoked), scopes per route, rate limits."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from resources.settings import Settings
from tests.api_support import api_env, api_settings, key_store, running_api


@pytest.fixture
def config(tmp_path: Path, landing: Path) -> Settings:
    return Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        api=api_settings(tmp_path, jwt_secret="current-secret", jwt_secret_previous="old-secret"),
    )


def hs256(secret: str, **claims) -> str:
    now = int(time.time())
    base = {"iss": "bizdev", "aud": "bizdev-api", "sub": "someone", "exp": now + 600}
    return jwt.encode(base | claims, secret, algorithm="HS256")


CONTACT = [{"email": "a@example.com"}]


def test_every_protected_route_refuses_missing_or_bad_credentials_with_401(config):
    now = int(time.time())
    tokens = {
        "expired": hs256("current-secret", scope="contacts:write", exp=now - 120),
        "wrong audience": hs256("current-secret", scope="contacts:write", aud="other-api"),
        "wrong issuer": hs256("current-secret", scope="contacts:write", iss="someone-else"),
        "wrong secret": hs256("not-our-secret", scope="contacts:write"),
        "no subject": jwt.encode(
            {"iss": "bizdev", "aud": "bizdev-api", "exp": now + 60}, "current-secret"
        ),
        "alg none": jwt.encode(
            {"iss": "bizdev", "aud": "bizdev-api", "sub": "x", "exp": now + 60},
            None,
            algorithm="none",
        ),
        "garbage": "not.a.token",
        "unknown key": "bzk_000000000000_" + "A" * 43,
    }
    with running_api(config) as api, api.anonymous() as client:
        assert client.post("/v1/contacts", json=CONTACT).status_code == 401
        for route in ("/v1/contacts", "/v1/uploads/up_000000000000000000000000", "/graphql"):
            assert client.get(route).status_code in (401, 405)
        refused = {
            name: client.post(
                "/v1/contacts", json=CONTACT, headers={"Authorization": f"Bearer {token}"}
            )
            for name, token in tokens.items()
        }
        rotated = client.post(
            "/v1/contacts",
            json=CONTACT,
            headers={"Authorization": f"Bearer {hs256('old-secret', scope='contacts:write')}"},
        )
    assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(tokens, 401)
    assert "expired" in refused["expired"].json()["detail"]
    assert "not for this API" in refused["wrong audience"].json()["detail"]
    assert "'none'" in refused["alg none"].json()["detail"]
    assert refused["expired"].headers["www-authenticate"].startswith("Bearer")
    assert rotated.status_code == 202  # the previous secret stays valid while rotating


def test_a_token_without_the_routes_scope_is_403(config):
    with running_api(config) as api:
        with api.client("contacts:read") as reader:
            refused = reader.post("/v1/contacts", json=CONTACT)
            assert refused.status_code == 403
            assert "contacts:write" in refused.json()["detail"]
            assert reader.get("/v1/admin/api-keys").status_code == 403
            assert reader.post("/v1/outreach/pause", json={"contact_id": "x"}).status_code == 403
        with api.client("contacts:write") as writer:
            assert writer.get("/v1/contacts").status_code == 403
            assert writer.post("/v1/contacts", json=CONTACT).status_code == 202
        with api.client("admin") as admin:
            assert admin.get("/v1/contacts").status_code == 200


def test_api_keys_are_hashed_listed_with_last_use_and_revocable(config):
    with running_api(config) as api, api.client("admin") as admin:
        created = admin.post(
            "/v1/admin/api-keys", json={"name": "crm-relay", "scopes": ["contacts:write"]}
        )
        assert created.status_code == 201
        key = created.json()["api_key"]
        key_id = created.json()["key_id"]
        bad = admin.post("/v1/admin/api-keys", json={"name": "x", "scopes": ["root"]})
        assert bad.status_code == 422

        with api.anonymous() as machine:
            used = machine.post("/v1/contacts", json=CONTACT, headers={"X-API-Key": key})
            bearer = machine.post(
                "/v1/contacts", json=CONTACT, headers={"Authorization": f"Bearer {key}"}
            )
            scoped = machine.get("/v1/contacts", headers={"X-API-Key": key})
            assert (used.status_code, bearer.status_code, scoped.status_code) == (
                202,
                202,
                403,
            )
            listed = admin.get("/v1/admin/api-keys").json()["api_keys"]
            assert [(k["key_id"], k["scopes"]) for k in listed] == [(key_id, ["contacts:write"])]
            assert listed[0]["last_used_at"] is not None
            assert admin.delete(f"/v1/admin/api-keys/{key_id}").status_code == 200
            revoked = machine.post("/v1/contacts", json=CONTACT, headers={"X-API-Key": key})
            assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]

    stored = Path(config.api.state_dir, "api_state.sqlite").read_bytes()
    assert key.encode() not in stored and key[len("bzk_") + 13 :].encode() not in stored
    assert [k.revoked_at is not None for k in key_store(config).list()] == [True]


def test_an_identity_providers_es256_token_is_checked_against_its_jwks(tmp_path, landing):
    private = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    jwks = json.dumps({"keys": [jwk | {"kid": "idp-1", "use": "sig", "alg": "ES256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(jwks)

        def log_message(self, *args) -> None:
            pass

    idp = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=idp.serve_forever, daemon=True).start()
    config = Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        api=api_settings(tmp_path, jwks_url=f"http://127.0.0.1:{idp.server_port}/jwks.json"),
    )
    now = int(time.time())
    claims = {"iss": "bizdev", "aud": "bizdev-api", "sub": "svc", "exp": now + 60}
    good = jwt.encode(claims | {"scp": ["contacts:write"]}, private, "ES256", {"kid": "idp-1"})
    other = ec.generate_private_key(ec.SECP256R1())
    forged = jwt.encode(claims | {"scp": ["contacts:write"]}, other, "ES256", {"kid": "idp-1"})
    try:
        with running_api(config) as api, api.anonymous() as client:
            ok = client.post(
                "/v1/contacts", json=CONTACT, headers={"Authorization": f"Bearer {good}"}
            )
            bad = client.post(
                "/v1/contacts", json=CONTACT, headers={"Authorization": f"Bearer {forged}"}
            )
    finally:
        idp.shutdown()
    assert ok.status_code == 202, ok.text
    assert bad.status_code == 401


def test_bizdev_api_token_create_prints_a_token_the_server_accepts(config):
    env = api_env(config, 8000)
    bizdev = Path(sys.executable).with_name("bizdev")
    created = subprocess.run(
        [str(bizdev), "api", "token", "create", "--scope", "contacts:read", "--ttl", "5m"],
        env=env | {"BIZDEV_API_JWT_SECRET": "current-secret"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    claims = jwt.decode(token, "current-secret", algorithms=["HS256"], audience="bizdev-api")
    assert claims["scope"] == "contacts:read" and 290 <= claims["exp"] - claims["iat"] <= 300
    with running_api(config) as api, api.anonymous() as client:
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/v1/contacts", headers=headers).status_code == 200
        assert client.post("/v1/contacts", json=CONTACT, headers=headers).status_code == 403


def test_past_its_rate_a_client_gets_429_with_retry_after_and_others_do_not(tmp_path, landing):
    config = Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        api=api_settings(tmp_path, rate_limits="intake=0.2/3,auth_failures=0.2/2"),
    )
    with running_api(config) as api:
        with api.client(subject="flooder") as flooder, api.client(subject="calm") as calm:
            answers = [flooder.post("/v1/contacts", json=CONTACT) for _ in range(4)]
            assert [a.status_code for a in answers] == [202, 202, 202, 429]
            limited = answers[-1]
            assert int(limited.headers["retry-after"]) >= 1
            assert "rate limit" in limited.json()["detail"]
            assert calm.post("/v1/contacts", json=CONTACT).status_code == 202
            assert flooder.get("/v1/contacts").status_code == 200  # another route, own bucket
        with api.anonymous() as guesser:
            bad = {"Authorization": "Bearer bzk_000000000000_" + "A" * 43}
            tries = [guesser.post("/v1/contacts", json=CONTACT, headers=bad) for _ in range(3)]
            assert [t.status_code for t in tries] == [401, 401, 429]
