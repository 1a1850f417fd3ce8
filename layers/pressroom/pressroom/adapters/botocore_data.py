"""Loading botocore's service models with less cold start work, same models.

A function's first client spends most of its ~140 ms in botocore's data loader; two parts of that
are work whose result is thrown away:

* before loading any model (`service-2`, then `endpoint-rule-set-1`, per client) botocore's
  `Loader.load_service_model` lists every folder of its data path and stats each one's API
  versions (~440 services, ~1,800 stats each time) only to check that the name is a known
  service: ~45 ms per cold start. `DirectLoader` looks in the service's own folder first and
  leaves botocore's path (and its `UnknownServiceError`) for a name with no model there;
* the JSON files (endpoints.json alone is 1.2 MB) are parsed with `OrderedDict` for every
  object, which the pure-Python hook makes ~1.5x slower than plain dicts; dicts keep insertion
  order, and botocore calls no `OrderedDict`-only method on loaded data.

The models are the same objects either way (tests/unit/test_botocore_data.py compares them with
botocore's own loader for the services the functions call, key order included)."""

from __future__ import annotations

import gzip
import json
import os
from typing import Any

from botocore.exceptions import DataNotFoundError
from botocore.loaders import JSONFileLoader, Loader, instance_cache


class PlainJSONFileLoader(JSONFileLoader):
    """botocore's `JSONFileLoader` (`.json`, then `.json.gz`), parsing into plain dicts."""

    def load_file(self, file_path: str) -> Any:
        for extension, open_file in ((".json", open), (".json.gz", gzip.open)):
            full_path = file_path + extension
            if os.path.isfile(full_path):
                with open_file(full_path, "rb") as stream:
                    return json.loads(stream.read().decode("utf-8"))
        return None


class DirectLoader(Loader):
    FILE_LOADER_CLASS = PlainJSONFileLoader

    @instance_cache
    def load_service_model(
        self, service_name: str, type_name: str, api_version: str | None = None
    ) -> Any:
        try:
            version = api_version or self.determine_latest_version(service_name, type_name)
            model = self.load_data(os.path.join(service_name, version, type_name))
        except DataNotFoundError:  # unknown service or version: botocore's own error for it
            return super().load_service_model(service_name, type_name, api_version)
        extras = self._find_extras(service_name, type_name, version)  # type: ignore[attr-defined]
        self._extras_processor.process(model, extras)  # type: ignore[attr-defined]
        return model


def create_loader(search_path_string: str | None = None) -> DirectLoader:
    """botocore's `create_loader` (the default `data_loader` component), for `DirectLoader`."""
    if search_path_string is None:
        return DirectLoader()
    paths = search_path_string.split(os.pathsep)
    paths = [os.path.expanduser(os.path.expandvars(path)) for path in paths]
    return DirectLoader(extra_search_paths=paths)
