from settings import Client


def test_key_is_passed_through() -> None:
    client = Client(api_key="test-api-key-12345")
    assert client.api_key == "test-api-key-12345"
