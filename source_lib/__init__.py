"""source_lib: transposed convolution in numpy, every way the book teaches it.

The functions mirror ``torch.nn.functional`` names, signatures and results:

- :func:`conv_transpose2d`: the fast path (a matrix product, then col2im);
- :func:`conv_transpose2d_four_steps`: the lecture's four steps, each a public
  function (:func:`insert_zeros`, :func:`pad_for_transpose`, :func:`flip_kernel`,
  then :func:`conv2d` with stride 1);
- :func:`conv_transpose2d_direct`: each input pixel stamps a scaled kernel;
- :func:`conv2d`: the ordinary convolution;
- size arithmetic: :func:`conv_transpose2d_output_size`, :func:`conv2d_output_size`,
  :func:`output_padding_for`;
- :func:`conv_matrix`: the convolution as a matrix C (the transposed convolution is Cᵀ);
- :func:`conv_transpose2d_subpixel`: a stride-1 convolution then a pixel shuffle (no inserted zeros);
- :func:`overlap_counts`, :func:`periodic_share` and :func:`bilinear_kernel` for checkerboards and FCN.

Everything here computes; nothing draws, asks or explains in words. The book's
machinery (figures, quizzes, source display, the explorers and the refusal
sentences) is the package :mod:`bookkit`, which imports this one.
"""

from .conv import conv2d, conv_transpose2d
from .direct import conv_transpose2d_direct
from .four_steps import conv_transpose2d_four_steps, flip_kernel, insert_zeros, pad_for_transpose
from .matrix import conv_matrix
from .sizes import conv2d_output_size, conv_transpose2d_output_size, output_padding_for
from .subpixel import conv_transpose2d_subpixel, pixel_shuffle, subpixel_conv_weight
from .upsampling import bilinear_kernel, overlap_counts, periodic_share

__all__ = [
    "conv2d",
    "conv_transpose2d",
    "conv_transpose2d_direct",
    "conv_transpose2d_four_steps",
    "insert_zeros",
    "pad_for_transpose",
    "flip_kernel",
    "conv_matrix",
    "conv2d_output_size",
    "conv_transpose2d_output_size",
    "output_padding_for",
    "conv_transpose2d_subpixel",
    "pixel_shuffle",
    "subpixel_conv_weight",
    "overlap_counts",
    "periodic_share",
    "bilinear_kernel",
]

__version__ = "0.1.0"
