"""Answering the grader's calls inside the student's kernel.

When a submission is graded, its kernel runs the student's cells and nothing
else: no test, no expected value. The tests run in the grader's own process;
each time one calls a function the exercise asks for, the grader sends the
call here as data and this module answers with data:

``{"op": "lookup", "names": [...]}``
    for each name: ``callable``, ``missing``, or the encoded value;
``{"op": "call", "name": ..., "args": [...], "kwargs": {...}}``
    calls the student's ``name`` with the decoded arguments and answers with
    the encoded result, or the exception (its class name, the builtin
    exception classes it derives from, its message and the student's lines),
    plus the array arguments the call changed in place.

The answer leaves as a display message of type :data:`ANSWER_MIME`. Nothing
here needs to be trusted: it runs in the student's process, which can replace
it, and whatever it sends is only ever the student's own answer.

The grader imports this module before it runs the first student cell, so the
builtins it uses are bound here, before the student's code could change them.
"""

import builtins
import json
import traceback

from .codec import decode, encode

ANSWER_MIME = "application/x-grading-answer+json"
_callable, _isinstance, _type, _str = callable, isinstance, type, str
_BaseException, _KeyboardInterrupt, _Exception = BaseException, KeyboardInterrupt, Exception
_BUILTIN_EXCEPTIONS = frozenset(
    value for value in vars(builtins).values() if _isinstance(value, _type) and issubclass(value, BaseException)
)


def _namespace():
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def _publish(answer):
    from IPython.display import publish_display_data

    publish_display_data({ANSWER_MIME: answer})


def _where(error):
    """The student's lines in the traceback (the last few), as 'file:line: code' strings.

    Not the frames of a refusal package (grading.refusals): its message names what was used.
    """
    walked = [(frame, line) for frame, line in traceback.walk_tb(error.__traceback__)
              if "_Refused" not in frame.f_globals]
    frames = traceback.StackSummary.extract(walked)[1:]  # [0] is answer() below
    return [f"{frame.filename}, line {frame.lineno}: {(frame.line or '').strip()}"[:300] for frame in frames[-4:]]


def _raised(error):
    bases = [cls.__name__ for cls in _type(error).__mro__ if cls in _BUILTIN_EXCEPTIONS]
    try:
        message = _str(error)
    except _Exception:
        message = "(the exception's message could not be read)"
    return {"type": _type(error).__name__[:200], "bases": bases, "message": message[:4000], "where": _where(error)}


def _snapshot(values):
    """Copies of the numpy arrays among ``values`` (to see which ones the call changed)."""
    import numpy as np

    return {key: value.copy() for key, value in values.items() if _type(value) is np.ndarray}


def _changed(before, values):
    import numpy as np

    return {key: encode(values[key]) for key, old in before.items()
            if not (old.shape == values[key].shape and np.array_equal(old, values[key], equal_nan=True))}


def _lookup(names, namespace):
    found = {}
    for name in names:
        if name not in namespace:
            found[name] = {"kind": "missing"}
        elif _callable(namespace[name]):
            found[name] = {"kind": "callable"}
        else:
            found[name] = {"kind": "value", "value": encode(namespace[name])}
    return {"names": found}


def _call(name, args, kwargs, namespace):
    function = namespace.get(name)
    if function is None and name not in namespace:
        return {"missing": name}
    if not _callable(function):
        return {"not_callable": name, "value": encode(function)}
    values = dict(enumerate(args))
    values.update(kwargs)
    before = _snapshot(values)
    try:
        result = function(*args, **kwargs)
    except _KeyboardInterrupt:
        raise  # the grader interrupted a call that ran out of time
    except _BaseException as error:
        return {"raised": _raised(error), "changed": _changed(before, values)}
    return {"result": encode(result), "changed": _changed(before, values)}


def answer(request_text):
    """Carry out one request (a JSON string) and publish the answer."""
    request = json.loads(request_text)
    namespace = _namespace()
    if request["op"] == "lookup":
        reply = _lookup(request["names"], namespace)
    elif request["op"] == "call":
        args = decode(request["args"])
        kwargs = decode(request["kwargs"])
        reply = _call(request["name"], args, kwargs, namespace)
    else:
        reply = {"error": f"unknown request {request['op']!r}"}
    try:
        text = json.dumps(reply)
    except (TypeError, ValueError) as error:
        text = json.dumps({"result": {"__object__": f"an answer that cannot be written down ({error})"}})
    _publish(text)


def request_code(request):
    """The line the grader runs in the kernel to make ``request`` (a JSON-able dict)."""
    return f"__import__('grading.kernel.serve').kernel.serve.answer({json.dumps(request)!r})"
