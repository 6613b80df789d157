"""What the explorers show, computed: configurations, states, formula and call text.

Plain numpy, no display: :func:`explorer_state` is everything the four-steps
explorer shows for one configuration, :func:`sweep_state` the output sizes and
overlap patterns over a range of one parameter. The controls, defaults, value
modes and words they use are declared in :mod:`.declarations`.
"""

from __future__ import annotations

import numpy as np

from source_lib import overlap_counts
from source_lib.sizes import as_pair
from source_lib.verdict import transpose_size_per_axis, transpose_verdict

from ..explain import refusal_sentence
from ..plotting import four_steps_arrays
from .declarations import CONTROLS, DEFAULTS, EXPLORER_WORDS, SWEEP_DEFAULTS, SWEEP_PARAMETERS, VALUES

__all__ = [
    "default_input",
    "default_kernel",
    "call_string",
    "size_formula",
    "normalise_config",
    "explorer_state",
    "panel_titles",
    "sweep_state",
]


def _words(language):
    """:data:`EXPLORER_WORDS` in ``language`` (English by default)."""
    if language in (None, "en"):
        return EXPLORER_WORDS
    from .languages import translate_words

    return translate_words(EXPLORER_WORDS, language)


def default_input(height, width, values="counting"):
    """The explorer's input: ``1 + (i*W + j) % 9`` (counting) or all ones.

    Parameters
    ----------
    height, width : int
    values : {"counting", "ones"}

    Returns
    -------
    ndarray of float64, shape (height, width)

    Examples
    --------
    >>> default_input(2, 3)
    array([[1., 2., 3.],
           [4., 5., 6.]])
    """
    _check_values(values)
    if values == "ones":
        return np.ones((height, width))
    return 1.0 + np.arange(height * width).reshape(height, width) % 9


def default_kernel(kernel_size, values="counting"):
    """The explorer's kernel: ``1 + (a*k + b) % 9`` (counting) or all ones.

    Parameters
    ----------
    kernel_size : int
    values : {"counting", "ones"}

    Returns
    -------
    ndarray of float64, shape (kernel_size, kernel_size)

    Examples
    --------
    >>> default_kernel(2)
    array([[1., 2.],
           [3., 4.]])
    """
    return default_input(kernel_size, kernel_size, values)


def _merged(defaults, kind, *sources):
    """``defaults`` updated by each of ``sources`` (dicts or None); an unknown key is a ValueError."""
    merged = dict(defaults)
    for source in sources:
        unknown = sorted(set(source or {}) - set(defaults))
        if unknown:
            raise ValueError(f"unknown {kind} setting(s) {unknown}; the settings are {sorted(defaults)}")
        merged.update(source or {})
    return merged


def _check_values(values):
    if values not in VALUES:
        raise ValueError(f"values must be one of {VALUES}, got {values!r}")


def call_string(config):
    """The ``nn.ConvTranspose2d(...)`` call that computes what the explorer shows.

    One input and one output channel; no bias, because the explorer adds none.
    ``output_padding`` and ``dilation`` appear only when they differ from
    torch's defaults.

    Parameters
    ----------
    config : dict
        At least ``kernel_size``, ``stride``, ``padding``, ``output_padding`` and ``dilation``.

    Returns
    -------
    str

    Examples
    --------
    >>> call_string({"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1, "dilation": 1})
    'nn.ConvTranspose2d(1, 1, kernel_size=3, stride=2, padding=1, output_padding=1, bias=False)'
    """
    parts = [f"kernel_size={config['kernel_size']}", f"stride={config['stride']}",
             f"padding={config['padding']}"]
    if config["output_padding"] != 0:
        parts.append(f"output_padding={config['output_padding']}")
    if config["dilation"] != 1:
        parts.append(f"dilation={config['dilation']}")
    return "nn.ConvTranspose2d(1, 1, " + ", ".join(parts) + ", bias=False)"


def size_formula(config, axis, language=None, out=None):
    """The output-size formula for one axis with the numbers filled in.

    Parameters
    ----------
    config : dict
        A complete explorer configuration (see :data:`~.declarations.DEFAULTS`).
    axis : {"height", "width"}
    language : str, optional
        The edition's language (:mod:`.languages`); English by default.
    out : int, optional
        The output size on this axis, if the caller has it (the configuration's verdict).

    Returns
    -------
    str
        The formula, the numbers and the result (which may be below 1 for a
        configuration torch refuses).

    Examples
    --------
    >>> size_formula(DEFAULTS, "height")
    'H_out = (H − 1)·s − 2p + d·(k − 1) + output_padding + 1 = (2 − 1)·2 − 2·1 + 1·(3 − 1) + 0 + 1 = 3'
    """
    letter = {"height": "H", "width": "W"}[axis]
    h = config[axis]
    k, s, p, op, d = (config[name] for name in
                      ("kernel_size", "stride", "padding", "output_padding", "dilation"))
    out = transpose_size_per_axis((h,), (k,), (s,), (p,), (d,), (op,))[0] if out is None else out
    return _words(language)["formula"].format(letter=letter, size=h, stride=s, padding=p, dilation=d, kernel_size=k,
                                              output_padding=op, out=out)


def normalise_config(config=None, changes=None):
    """A complete explorer configuration: the defaults, then ``config``, then ``changes``.

    Parameters
    ----------
    config, changes : dict, optional
        Any of the keys of :data:`~.declarations.DEFAULTS`.

    Returns
    -------
    dict
        Every key of :data:`~.declarations.DEFAULTS`, the sizes as Python ints.

    Raises
    ------
    ValueError
        For an unknown key or an unknown ``values`` mode.
    TypeError
        For a size that is not an int.

    Examples
    --------
    >>> normalise_config({"stride": 3})["stride"], normalise_config()["kernel_size"]
    (3, 3)
    """
    merged = _merged(DEFAULTS, "explorer", config, changes)
    for name, *_ in CONTROLS:
        value = merged[name]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {value!r}")
        merged[name] = int(value)
    _check_values(merged["values"])
    return merged


def explorer_state(config=None, language=None, **changes):
    """Everything the four-steps explorer shows for one configuration.

    Parameters
    ----------
    config : dict, optional
        Any of the keys of :data:`~.declarations.DEFAULTS`; missing keys take the defaults.
    language : str, optional
        The language of ``message`` and ``formula`` (:mod:`.languages`); English by default.
    **changes
        More settings, applied after ``config``.

    Returns
    -------
    dict
        ``config`` (complete), ``message`` (``None``, or the sentence of
        :func:`~bookkit.explain.explain_refusal` when torch refuses the
        configuration), ``output_size`` (from the formula, even when refused),
        ``formula`` (one line per axis), ``call`` (the ``nn.ConvTranspose2d``
        call) and, when accepted, the arrays ``input``, ``kernel``,
        ``zeros_inserted``, ``padded``, ``flipped_kernel``, ``output`` and the
        cell roles ``roles_zeros`` and ``roles_padded``.

    Examples
    --------
    >>> state = explorer_state(stride=2, padding=1)
    >>> state["output_size"], state["output"].shape
    ((3, 3), (3, 3))
    >>> explorer_state(stride=1, output_padding=1)["message"]
    'output_padding=1 must be smaller than stride=1 or dilation=1: use output_padding 0'
    >>> from bookkit.explain import explain_refusal
    >>> explorer_state(stride=1, output_padding=1, language="zh_CN")["message"] == explain_refusal(
    ...     2, 3, stride=1, output_padding=1, language="zh_CN")
    True
    """
    cfg = normalise_config(config, changes)
    h, w, k, s, p, op, d = (cfg[name] for name, *_ in CONTROLS)
    verdict = transpose_verdict((h, w), (k, k), (s, s), (p, p), (op, op), (d, d))  # the one decision
    state = {
        "config": cfg,
        "message": (message := refusal_sentence(verdict, language)),
        "output_size": verdict.size,
        "formula": [size_formula(cfg, axis, language, out) for axis, out in zip(("height", "width"), verdict.size)],
        "call": call_string(cfg),
    }
    if message is None:
        x = default_input(h, w, cfg["values"])
        kernel = default_kernel(k, cfg["values"])
        state.update(four_steps_arrays(x, kernel, s, p, op, d, verdict=verdict))
        state["kernel"] = kernel
        # The formula and the computed array must agree; a mismatch is a library bug.
        assert state["output"].shape == state["output_size"]
    return state


def panel_titles(config, language=None):
    """The five panel captions, with the step's numbers filled in.

    Parameters
    ----------
    config : dict
        A complete explorer configuration.
    language : str, optional
        The edition's language (:mod:`.languages`); English by default.

    Returns
    -------
    tuple of str
        One caption per panel of :data:`~.declarations.PANELS`.

    Examples
    --------
    >>> panel_titles(DEFAULTS)[1:3]
    ('1. insert s−1 = 1 zero', '2. pad d(k−1)−p = 1')
    """
    k, s, p, op, d = (config[name] for name in ("kernel_size", "stride", "padding", "output_padding", "dilation"))
    words = _words(language)
    return (
        words["title_input"],
        words["title_zeros_one" if s - 1 == 1 else "title_zeros"].format(count=s - 1),
        words["title_pad_extra" if op else "title_pad"].format(border=d * (k - 1) - p, extra=op),
        words["title_flip"],
        words["title_convolve" if d == 1 else "title_convolve_dilation"].format(dilation=d),
    )


def sweep_state(parameter, values, config=None, **changes):
    """Output size and overlap pattern of a 1-D transposed convolution over one parameter.

    Parameters
    ----------
    parameter : str
        One of :data:`~.declarations.SWEEP_PARAMETERS` (``size``, ``kernel_size``, ``stride``,
        ``padding``, ``output_padding``, ``dilation``).
    values : iterable of int
        The values ``parameter`` takes.
    config : dict, optional
        The other parameters (keys of :data:`~.declarations.SWEEP_DEFAULTS`); missing keys
        take the defaults.
    **changes
        More fixed values, applied after ``config``.

    Returns
    -------
    dict
        ``parameter``, ``values``, ``config``; per value: ``sizes`` (the output
        size, or ``None`` if refused), ``messages`` (``None`` or the refusal
        sentence) and ``overlaps`` (:func:`~source_lib.overlap_counts`: how
        many kernel taps reach each output pixel; uneven counts are the
        checkerboard pattern), or ``None`` if refused.

    Examples
    --------
    >>> sweep_state("stride", [1, 2, 3], kernel_size=3, size=3)["sizes"]
    [5, 7, 9]
    >>> sweep_state("stride", [2], kernel_size=3, size=3)["overlaps"][0]
    array([1, 1, 2, 1, 2, 1, 1])
    """
    if parameter not in SWEEP_PARAMETERS:
        raise ValueError(f"parameter must be one of {sorted(SWEEP_PARAMETERS)}, got {parameter!r}")
    cfg = _merged(SWEEP_DEFAULTS, "sweep", config, changes)
    values = [int(v) for v in values]
    sizes, messages, overlaps = [], [], []
    for value in values:
        one = dict(cfg, **{parameter: value})
        args = [one[name] for name in SWEEP_DEFAULTS]  # size, kernel_size, stride, padding, output_padding, dilation
        message = refusal_sentence(verdict := transpose_verdict(*map(as_pair, args, SWEEP_DEFAULTS)))
        messages.append(message)
        sizes.append(None if message else verdict.size[0])
        overlaps.append(None if message else overlap_counts(*args))
    return {"parameter": parameter, "values": values, "config": cfg,
            "sizes": sizes, "messages": messages, "overlaps": overlaps}
