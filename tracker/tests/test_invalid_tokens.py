"""Invalid API tokens are limited per client address, before any token is looked up."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from projects.tests.test_api import token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/work-points/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def guess(address="198.51.100.7", key="wrong-key", **extra):
    return APIClient().get(URL, HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR=address, **extra)


def test_an_address_that_keeps_sending_invalid_tokens_gets_429(official_user, settings):
    settings.API_INVALID_TOKEN_RATE = "3/minute"
    assert [guess(key=f"guess-{n}").status_code for n in range(3)] == [401, 401, 401]
    refused = guess(key="guess-4")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    # Refused before the token is looked up: even a valid one waits for the window to end.
    valid = token_client(official_user, "read")
    assert valid.get(URL, REMOTE_ADDR="198.51.100.7").status_code == 429
    # Other addresses are not affected.
    assert valid.get(URL, REMOTE_ADDR="203.0.113.9").status_code == 200
    assert guess(address="203.0.113.9").status_code == 401


def test_a_malformed_header_counts_as_a_failure(settings):
    settings.API_INVALID_TOKEN_RATE = "2/minute"
    statuses = [
        APIClient().get(URL, HTTP_AUTHORIZATION="Bearer a b", REMOTE_ADDR="198.51.100.7")
        for _ in range(3)
    ]
    assert [response.status_code for response in statuses] == [401, 401, 429]


def test_valid_tokens_do_not_count(official_user, settings):
    settings.API_INVALID_TOKEN_RATE = "2/minute"
    valid = token_client(official_user, "read")
    assert {valid.get(URL, REMOTE_ADDR="198.51.100.7").status_code for _ in range(4)} == {200}
    assert guess().status_code == 401


def test_the_limit_message_is_in_chinese(settings):
    settings.API_INVALID_TOKEN_RATE = "1/minute"
    guess()
    refused = guess()
    assert refused.status_code == 429
    assert "无效令牌" in refused.json()["detail"]
