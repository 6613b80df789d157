"""Count the calls to the one function that decides a transposed convolution's configuration."""

import sys

import source_lib.verdict


def count_verdict_calls(monkeypatch):
    """Replace ``transpose_verdict`` in every loaded module of source_lib by a counting wrapper.

    Returns the list the wrapper appends each call's arguments to. Every module
    that imported the function by name is patched, so a call from anywhere in
    the library is counted.
    """
    original = source_lib.verdict.transpose_verdict
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    patched = 0
    for name, module in list(sys.modules.items()):
        if (name == "source_lib" or name.startswith("source_lib.")) and getattr(
                module, "transpose_verdict", None) is original:
            monkeypatch.setattr(module, "transpose_verdict", counted)
            patched += 1
    assert patched >= 2, "transpose_verdict is imported by fewer modules than expected"
    return calls
