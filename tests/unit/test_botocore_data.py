"""The functions' data loader (`pressroom.adapters.botocore_data`) gives the very models
botocore's own loader gives, without listing every service first."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import UnknownServiceError
from botocore.loaders import Loader

from pressroom.adapters.aws import session
from pressroom.adapters.botocore_data import DirectLoader, create_loader

SERVICES = ["dynamodb", "s3", "sqs", "cloudfront"]  # every client the functions create
TYPES = ["service-2", "endpoint-rule-set-1", "paginators-1", "waiters-2"]


def ordered(data: object) -> str:
    return json.dumps(data)  # key order included: dicts and OrderedDicts dump the same


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("type_name", TYPES)
def test_given_a_service_the_functions_call_then_its_models_are_botocores(
    service: str, type_name: str
):
    def outcome(loader: Loader) -> str:
        try:
            return ordered(loader.load_service_model(service, type_name))
        except Exception as error:  # SQS has no waiters: botocore's error, the same one
            return repr(error)

    assert outcome(DirectLoader()) == outcome(Loader())


@pytest.mark.parametrize("name", ["endpoints", "partitions", "sdk-default-configuration"])
def test_given_a_data_file_then_it_is_botocores(name: str):
    assert ordered(DirectLoader().load_data(name)) == ordered(Loader().load_data(name))


def test_given_a_known_service_then_no_service_folder_is_listed(monkeypatch: pytest.MonkeyPatch):
    def listing(*_: object) -> None:
        raise AssertionError("listed every service")

    monkeypatch.setattr(Loader, "list_available_services", listing)
    assert DirectLoader().load_service_model("sqs", "service-2")["metadata"]["serviceId"] == "SQS"


def test_given_an_unknown_service_then_botocores_error():
    with pytest.raises(UnknownServiceError):
        DirectLoader().load_service_model("no-such-service", "service-2")


def test_given_an_api_version_then_that_version_is_loaded():
    model = DirectLoader().load_service_model("dynamodb", "endpoint-rule-set-1", "2011-12-05")
    assert model == Loader().load_service_model("dynamodb", "endpoint-rule-set-1", "2011-12-05")


def test_given_aws_data_path_then_its_folders_are_searched_first(tmp_path):
    loader = create_loader(f"{tmp_path}")
    assert loader.search_paths[0] == str(tmp_path)
    assert loader.search_paths[1:] == Loader().search_paths


def test_given_the_functions_session_then_it_loads_with_the_direct_loader():
    assert isinstance(session().get_component("data_loader"), DirectLoader)
    assert session() is session()
