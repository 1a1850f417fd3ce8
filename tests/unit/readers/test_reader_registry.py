"""The registry names each reader without importing it (so parsers load on first use); these
names must stay those of the reader modules themselves."""

from __future__ import annotations

from importlib import import_module

from pressroom.readers import READERS, reader_for


def test_given_the_registry_then_each_reader_module_gets_exactly_its_own_extensions():
    modules = {module for module, _ in READERS.values()}
    for module in modules:
        declared = import_module(f"pressroom.readers.{module}").EXTENSIONS
        assert sorted(ext for ext, (name, _) in READERS.items() if name == module) == sorted(
            declared
        )


def test_given_a_registered_extension_when_its_reader_is_asked_for_then_that_function_is_loaded():
    for extension, (module, function) in READERS.items():
        reader = reader_for(f"articles/Post{extension.upper()}")
        assert reader is getattr(import_module(f"pressroom.readers.{module}"), function)
