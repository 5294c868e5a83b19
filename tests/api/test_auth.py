"""API keys: made and revoked with their scopes; missing, wrong, revoked keys and scopes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from osms.cli.clients import clients_app
from osms.registry import clients as registry_clients
from osms.registry.models import ApiClient, AuditEvent
from osms.services.clients import create_client, find_client, hash_key, parse_key, revoke_client
from osms.services.errors import ServiceError
from tests.api.conftest import PREPAID, SQLITE_ONLY, Api

DETAIL = f"/api/v1/persons/{PREPAID}/status"


def test_a_key_is_stored_hashed_and_found_again(api: Api) -> None:
    key = api.key("Halyk", ["status:read"])
    prefix = parse_key(key)
    assert key.startswith(f"osms_{prefix}_") and len(key) > 50
    with api.session() as session:
        row = session.scalars(select(ApiClient).where(ApiClient.name == "Halyk")).one()
        assert (row.key_prefix, row.key_hash, row.scopes) == (prefix, hash_key(key), "status:read")
        assert key not in (row.key_hash, row.key_prefix)
        found = find_client(session, key)
        assert found is not None and found.id == row.id
        assert find_client(session, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
        assert find_client(session, "not a key") is None
        actions = session.scalars(select(AuditEvent.action)).all()
        assert "api_client.create" in actions


def test_unknown_scopes_and_bad_names_are_refused(api: Api) -> None:
    with api.session() as session:
        with pytest.raises(ServiceError) as caught:
            create_client(session, "Kaspi", ["status:read", "admin"], "test")
        assert caught.value.code == "client.scope_unknown" and "admin" in caught.value.message
        with pytest.raises(ServiceError) as caught:
            create_client(session, "Kaspi", [], "test")
        assert caught.value.code == "client.scope_required"
        with pytest.raises(ServiceError) as caught:
            create_client(session, "x" * 33, ["operator"], "test")
        assert caught.value.code == "client.name"
        with pytest.raises(ServiceError) as caught:
            create_client(session, "Kaspi", ["operator"], "test", rate_limit=0)
        assert caught.value.code == "client.rate_limit"


def test_a_name_is_taken_until_its_key_is_revoked(api: Api) -> None:
    key = api.key("Halyk")
    with api.session() as session, session.begin():
        with pytest.raises(ServiceError) as caught:
            create_client(session, "Halyk", ["operator"], "test")
        assert caught.value.code == "client.name_taken"
        # the same sender in other letters, or ':' for '.', would read Halyk's registers
        for alike in ("halyk", " HALYK ", "hAlYk"):
            with pytest.raises(ServiceError) as caught:
                create_client(session, alike, ["registers:write"], "test")
            assert caught.value.code == "client.name_taken"
        revoke_client(session, key, "test")  # the key itself finds its client
        with pytest.raises(ServiceError) as caught:
            revoke_client(session, parse_key(key) or "", "test")
        assert caught.value.code == "client.already_revoked"
        with pytest.raises(ServiceError) as caught:
            revoke_client(session, "deadbeef", "test")
        assert caught.value.code == "client.not_found"
        create_client(session, "Halyk", ["operator"], "test")
        create_client(session, "Kassa:24", ["registers:write"], "test")
        with pytest.raises(ServiceError) as caught:
            create_client(session, "kassa.24", ["registers:write"], "test")
        assert caught.value.code == "client.name_taken"


def test_bearer_and_x_api_key_both_work(api: Api) -> None:
    key = api.key("Halyk")
    assert api.client.get(DETAIL, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert api.client.get(DETAIL, headers={"X-API-Key": key}).status_code == 200


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "auth.key_missing"),
        ({"Authorization": "Bearer osms_00000000_" + "x" * 43}, "auth.key_invalid"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "auth.key_invalid"),
        ({"Authorization": "Bearer"}, "auth.key_invalid"),
        ({"X-API-Key": "nonsense"}, "auth.key_invalid"),
    ],
)
@SQLITE_ONLY
def test_no_key_or_a_wrong_key_is_401(api: Api, headers: dict[str, str], code: str) -> None:
    response = api.client.get(DETAIL, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_a_wrong_key_is_refused_even_on_the_public_check(api: Api) -> None:
    response = api.client.get(f"/api/v1/status/{PREPAID}", headers={"X-API-Key": "osms_bad"})
    assert response.status_code == 401


def test_a_revoked_key_is_refused_from_the_next_request(api: Api) -> None:
    key = api.key("Halyk")
    assert api.client.get(DETAIL, headers=api.auth(key)).status_code == 200
    with api.session() as session, session.begin():
        revoke_client(session, parse_key(key) or "", "test")
    response = api.client.get(DETAIL, headers=api.auth(key))
    assert response.status_code == 401
    assert response.json()["code"] == "auth.key_revoked"


@pytest.mark.parametrize(
    ("path", "scopes", "missing"),
    [
        (DETAIL, ["status:read"], ["history:read"]),
        (DETAIL, ["history:read"], ["status:read"]),
        (f"/api/v1/persons/{PREPAID}/payments", ["status:read"], ["history:read"]),
        (f"/api/v1/persons/{PREPAID}/debts", ["operator"], ["history:read"]),
        (f"/api/v1/persons/{PREPAID}/calculator", ["history:read"], ["status:read"]),
        ("/api/v1/refund-applications", ["status:read", "history:read"], ["operator"]),
    ],
)
@SQLITE_ONLY
def test_a_key_without_the_scope_is_403(
    api: Api, path: str, scopes: list[str], missing: list[str]
) -> None:
    key = api.key("Clinic", scopes)
    response = api.client.get(path, headers=api.auth(key), params={"lang": "ru"})
    assert response.status_code == 403
    problem = response.json()
    assert (problem["code"], problem["scopes"], problem["lang"]) == (
        "auth.scope_missing",
        missing,
        "ru",
    )


@SQLITE_ONLY
def test_registers_need_registers_write(api: Api) -> None:
    key = api.key("Clinic", ["status:read", "history:read", "operator"])
    response = api.client.post("/api/v1/registers", content=b"x", headers=api.auth(key))
    assert (response.status_code, response.json()["scopes"]) == (403, ["registers:write"])


# -- the command line ----------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def cli_database(cli_database: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OSMS_OPERATOR", "admin-1")
    return cli_database


def test_osms_clients_create_list_revoke(cli_database: Path) -> None:
    made = runner.invoke(
        clients_app,
        ["create", "Halyk", "--scope", "status:read", "--scope", "history:read", "--json"],
    )
    assert made.exit_code == 0, made.output
    created = json.loads(made.output)
    assert created["scopes"] == ["history:read", "status:read"]
    assert created["rate_limit_per_minute"] == 600
    assert parse_key(created["key"]) == created["prefix"]

    listed = runner.invoke(clients_app, ["list", "--json"])
    assert listed.exit_code == 0
    rows = json.loads(listed.output)
    assert [(r["name"], r["prefix"], r["revoked_at"]) for r in rows] == [
        ("Halyk", created["prefix"], None)
    ]
    assert created["key"] not in listed.output  # the key is shown once, never again

    revoked = runner.invoke(clients_app, ["revoke", created["prefix"]])
    assert revoked.exit_code == 0, revoked.output
    assert "revoked" in revoked.output
    rows = json.loads(runner.invoke(clients_app, ["list", "--json"]).output)
    assert rows[0]["revoked_by"] == "admin-1"
    assert runner.invoke(clients_app, ["list", "--active"]).output.strip() == "no API clients"


def test_osms_clients_date_a_revocation_in_kazakhstan(
    cli_database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R-T-4: revoked at 19:30 UTC on 6 December is revoked on 7 December in Kazakhstan."""
    made = runner.invoke(clients_app, ["create", "Halyk", "--scope", "status:read", "--json"])
    prefix = json.loads(made.output)["prefix"]
    evening = datetime(2026, 12, 6, 19, 30, tzinfo=UTC)
    monkeypatch.setattr(registry_clients, "utc_now", lambda: evening)
    assert runner.invoke(clients_app, ["revoke", prefix]).exit_code == 0
    assert "revoked 2026-12-07" in runner.invoke(clients_app, ["list"]).output
    again = runner.invoke(clients_app, ["revoke", prefix])
    assert again.exit_code == 1 and "was revoked on 2026-12-07" in again.output


def test_osms_clients_create_prints_the_key_once_in_text(cli_database: Path) -> None:
    made = runner.invoke(clients_app, ["create", "Clinic 7", "--scope", "status:read"])
    assert made.exit_code == 0, made.output
    assert "key (shown once" in made.output and "osms_" in made.output


def test_osms_clients_refuses_an_unknown_scope(cli_database: Path) -> None:
    made = runner.invoke(clients_app, ["create", "Halyk", "--scope", "status:write"])
    assert made.exit_code == 1
    assert "client.scope_unknown" in made.output and "status:read" in made.output
    again = runner.invoke(clients_app, ["revoke", "deadbeef"])
    assert again.exit_code == 1 and "client.not_found" in again.output
