"""API test fixtures."""

import pytest

from wangge.accounts.models import ApiToken

from .helpers import ApiClient


@pytest.fixture
def api_for():
    """api_for(user) -> an ApiClient authenticated with a fresh token of `user`."""

    def make(user):
        _, key = ApiToken.issue(user, "tests")
        return ApiClient(key)

    return make
