"""VAPID keys: the forms an operator may give, and the development key kept under instance/."""
import base64
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
from py_vapid import Vapid

from models.integrations.vapid import dev_private_key, generate_private_pem, load_vapid, public_key_of, vapid_public_key


def test_the_public_key_is_what_browsers_take_as_application_server_key():
    key = vapid_public_key({"VAPID_PRIVATE_KEY": generate_private_pem()})

    point = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert "=" not in key and len(point) == 65 and point[0] == 4


def test_a_raw_base64url_key_is_the_same_key_as_its_pem():
    vapid = Vapid()
    vapid.generate_keys()
    raw = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    pem = vapid.private_pem().decode()

    assert public_key_of(load_vapid(base64.urlsafe_b64encode(raw).rstrip(b"=").decode())) == public_key_of(
        load_vapid(pem))


def test_something_that_is_not_a_key_is_refused_without_repeating_it():
    with pytest.raises(ValueError) as refused:
        load_vapid("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LW5vdC1hLWtleQ==\n-----END PRIVATE KEY-----")

    assert "c2VjcmV0" not in str(refused.value)


def test_the_development_key_is_generated_once_and_reused(tmp_path):
    path = tmp_path / "instance" / "vapid.pem"

    with ThreadPoolExecutor(8) as pool:  # processes starting together agree on one key
        keys = set(pool.map(lambda _: dev_private_key(path), range(16)))

    assert len(keys) == 1 and dev_private_key(path) == keys.pop() == path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["vapid.pem"]  # no temporary files left

