"""Push and mail settings as web/config.py reads them from the environment."""
import pytest

from models.integrations.vapid import vapid_public_key
from web.config import INSTANCE_DIR, Config


@pytest.fixture
def environment(monkeypatch):
    for name in ("VAPID_PRIVATE_KEY", "VAPID_SUBJECT", "SMTP_URL", "SMTP_STARTTLS", "MAIL_FROM", "SMTP_TIMEOUT",
                 "SMTP_CA_FILE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_a_vapid_key_every_process_of_the_checkout_shares_one_from_instance(environment):
    first, second = Config(), Config()

    assert first.VAPID_PRIVATE_KEY == second.VAPID_PRIVATE_KEY == (INSTANCE_DIR / "vapid.pem").read_text()
    assert vapid_public_key(vars(first)) == vapid_public_key(vars(second))
    assert first.VAPID_SUBJECT == "mailto:admin@localhost"


def test_a_vapid_key_from_the_environment_wins(environment):
    environment.setenv("VAPID_PRIVATE_KEY", "BASE64URL-KEY")

    assert Config().VAPID_PRIVATE_KEY == "BASE64URL-KEY"


@pytest.mark.parametrize("url, starttls, expected", [
    ("smtp://mailer:secret@mail.example.com:587", None, True),  # a password never travels in the clear
    ("smtp://mail.example.com:25", None, False),  # a local relay without login
    ("smtp://mailer:secret@mail.example.com:587", "0", False),  # the operator's word
    ("smtp://mail.example.com:25", "1", True),
])
def test_starttls_by_default_when_the_relay_takes_a_password(environment, url, starttls, expected):
    environment.setenv("SMTP_URL", url)
    if starttls is not None:
        environment.setenv("SMTP_STARTTLS", starttls)

    assert Config().SMTP_STARTTLS is expected


def test_without_a_relay_mail_goes_to_files(environment):
    config = Config()

    assert (config.SMTP_URL, config.SMTP_STARTTLS, config.SMTP_TIMEOUT) == (None, False, 10.0)
    assert config.MAIL_FROM == "FieldOps <noreply@localhost>"
