"""The binding declares every function of voronka.h, with its arity."""
import re

from conftest import ROOT
from voronka._library import SIGNATURES


def declared_functions():
    header = (ROOT / "include" / "voronka" / "voronka.h").read_text()
    header = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    functions = {}
    for match in re.finditer(r"VRK_API\s+[^;]*?\b(vrk_\w+)\s*\(([^)]*)\)\s*;", header):
        name, params = match.group(1), match.group(2).strip()
        functions[name] = 0 if params in ("", "void") else params.count(",") + 1
    return functions


def test_every_function_is_bound_with_its_arity():
    declared = declared_functions()
    assert len(declared) > 100  # the parse found the API
    missing = sorted(set(declared) - set(SIGNATURES))
    assert not missing, f"not bound: {missing}"
    extra = sorted(set(SIGNATURES) - set(declared))
    assert not extra, f"bound but not in voronka.h: {extra}"
    wrong = {name: (len(SIGNATURES[name][1]), n) for name, n in declared.items()
             if len(SIGNATURES[name][1]) != n}
    assert not wrong, f"(bound, declared) argument counts differ: {wrong}"


def test_the_binding_loads_every_function():
    import voronka
    library = voronka._lib()
    for name in SIGNATURES:
        assert getattr(library, name).argtypes is not None
