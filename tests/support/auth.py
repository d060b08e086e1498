"""Signing in over HTTP, bearer headers, and tokens forged with the app's own key."""
import jwt as pyjwt

from tests.support.factories import PASSWORD

DROP = object()  # forge(): remove the claim


def login(client, email, password=PASSWORD, **kwargs):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password}, **kwargs)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def forge(app, token, headers=None, **changes):
    """`token`'s claims with `changes` (DROP removes one), signed with the app's own key."""
    claims = pyjwt.decode(token, options={"verify_signature": False})
    for name, value in changes.items():
        if value is DROP:
            claims.pop(name, None)
        else:
            claims[name] = value
    return pyjwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256", headers=headers)


def new_user(client, auth, role, name):
    """A user of organization a with `role`, signed in: (user id, access token)."""
    email = f"{name}@alpha.test"
    created = client.post("/api/v1/users", headers=auth.a.headers("owner"), json={
        "email": email, "name": name.title(), "password": "password-1", "role": role})
    assert created.status_code == 201, created.get_json()
    signed_in = login(client, email, "password-1").get_json()["data"]
    return signed_in["user"]["id"], signed_in["access_token"]


def decode_token_claims(token):
    return pyjwt.decode(token, options={"verify_signature": False})
