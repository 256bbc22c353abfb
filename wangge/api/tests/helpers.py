"""API test helpers: a token client with JSON shortcuts."""

import json

from django.test import Client


class ApiClient:
    """A test client that sends `Authorization: Bearer <key>` and JSON bodies."""

    def __init__(self, key: str | None = None):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.client = Client(headers=headers)

    def get(self, path, params=None):
        return self.client.get(path, params or {})

    def post(self, path, data):
        return self.client.post(path, json.dumps(data), content_type="application/json")

    def patch(self, path, data):
        return self.client.patch(path, json.dumps(data), content_type="application/json")


def ids(response) -> set[int]:
    return {item["id"] for item in response.json()["items"]}
