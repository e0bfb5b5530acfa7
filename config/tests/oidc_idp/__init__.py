"""A tiny OpenID Connect provider (django-oauth-toolkit) for the single sign-on test.

It runs as a second process (``python -m config.tests.oidc_idp.serve``), with its own
settings, its own SQLite file and an RSA key the test generates, so that the tracker's
sign-on is tested against a real provider over loopback: real codes, real RS256 tokens,
real JWKS, real userinfo. Nothing of it is part of the tracker.
"""
