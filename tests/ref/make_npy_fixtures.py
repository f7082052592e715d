#!/usr/bin/python3
"""Writes the .npy fixtures of tests/test_npy.c with NumPy (Debian's numpy 1.24).

usage: /usr/bin/python3 tests/ref/make_npy_fixtures.py   (from the repository root)
The expected values in test_npy.c are written out by hand from the arrays below.
"""
import io
import os

import numpy as np
from numpy.lib import format as npf

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "npy")
os.makedirs(OUT, exist_ok=True)


def save(name, arr):
    np.save(os.path.join(OUT, name), arr)


def save_version(name, arr, version):
    with open(os.path.join(OUT, name), "wb") as f:
        npf.write_array(f, arr, version=version)


# plain C-order arrays of each dtype
save("f4_2x3.npy", np.array([[0.1, -2.5, 3e-8], [1e30, 0.0, -0.0]], dtype="<f4"))
save("f8_3x2.npy", np.array([[0.1, 1 / 3], [-1e-3, 1099511627776.5], [7.0, -8.0]], dtype="<f8"))
save("i8_1d.npy", np.array([3, -7, 0, 2**40, 9], dtype="<i8"))
save("u1_2x3x4.npy", (np.arange(24, dtype=np.uint8) * 10).reshape(2, 3, 4))
save("i1.npy", np.array([-128, 127], dtype="|i1"))
save("i2.npy", np.array([-32768, 32767], dtype="<i2"))
save("u2.npy", np.array([0, 65535], dtype="<u2"))
save("u4.npy", np.array([4294967295], dtype="<u4"))
save("u8.npy", np.array([2**64 - 1], dtype="<u8"))
save("b1_2x2.npy", np.array([[True, False], [False, True]]))

# Fortran order: the file stores columns first; the values are 0..n-1 in C order
save("f4_fortran_3x4.npy", np.asfortranarray(np.arange(12, dtype="<f4").reshape(3, 4)))
save("f8_fortran_2x3x4.npy", np.asfortranarray(np.arange(24, dtype="<f8").reshape(2, 3, 4)))
save("i4_fortran_n1.npy", np.asfortranarray(np.array([[5], [6], [7]], dtype="<i4")))

# big-endian
save("be_f4_2x2.npy", np.array([[1.5, -2.0], [0.1, 1e10]], dtype=">f4"))
save("be_i4.npy", np.array([1, -2, 65536, 2**31 - 1], dtype=">i4"))
save("be_f8.npy", np.array([0.1, -3.0], dtype=">f8"))
save("be_u2.npy", np.array([1, 256, 65535], dtype=">u2"))

# header versions 2.0 and 3.0 (uint32 header length)
save_version("v2_f4_2x3.npy", np.arange(6, dtype="<f4").reshape(2, 3), (2, 0))
save_version("v3_f4_2x3.npy", np.arange(6, dtype="<f4").reshape(2, 3), (3, 0))

# labels
save("labels_i4.npy", np.array([0, 1, 2, 9, -1], dtype="<i4"))
save("labels_i8_range.npy", np.array([3, -7, 0, 2**31 - 1, -(2**31)], dtype="<i8"))
save("labels_f8_whole.npy", np.array([0.0, 1.0, 5.0, -2.0]))
save("labels_i8_col.npy", np.array([[3], [1], [4], [1]], dtype="<i8"))
save("labels_f4_frac.npy", np.array([0.0, 1.5], dtype="<f4"))
save("labels_f8_nan.npy", np.array([0.0, np.nan]))
save("labels_u8_big.npy", np.array([1, 2**32], dtype="<u8"))
save("labels_i8_small.npy", np.array([0, -(2**31) - 1], dtype="<i8"))
save("labels_2x2.npy", np.array([[0, 1], [2, 3]], dtype="<i4"))
save("labels_empty.npy", np.zeros(0, dtype="<i4"))

# refused
save("c8.npy", np.array([1 + 2j], dtype="<c8"))
save("object.npy", np.array([1, "a"], dtype=object))
save("structured.npy", np.zeros(3, dtype=[("a", "<f4"), ("b", "<i4")]))
save("str_u3.npy", np.array(["abc", "d"]))
save("f2.npy", np.array([1.0], dtype="<f2"))
save("scalar_f4.npy", np.float32(3.5))
save("empty_0x3.npy", np.zeros((0, 3), dtype="<f4"))
save("nan_2x3.npy", np.array([[1, 2, 3], [4, 5, np.nan]], dtype="<f4"))
save("inf_1x1.npy", np.array([[-np.inf]], dtype="<f4"))

# zero-size arrays whose headers the writer must reproduce byte for byte
# (shape[0] of different widths moves the padding across the 64-byte boundary)
save("hdr_0x2.npy", np.zeros((0, 2), dtype="<f4"))
save("hdr_1d_0.npy", np.zeros(0, dtype="<f4"))
save("hdr_1e12x0.npy", np.zeros((10**12, 0), dtype="<f4"))
save("hdr_7x0x5x3.npy", np.zeros((7, 0, 5, 3), dtype="<f4"))
save("hdr_123456789x0.npy", np.zeros((123456789, 0), dtype="<f4"))

# a header alone, for a shape no array can have: here NumPy's room for shape[0]
# to grow (21 digits) pushes the data offset from 128 to 192 bytes
buf = io.BytesIO()
npf._write_array_header(buf, {"descr": "<f4", "fortran_order": False,
                              "shape": (1, 12345678901234567890, 12345678901234567890)}, (1, 0))
with open(os.path.join(OUT, "hdr_long_shape.bin"), "wb") as f:
    f.write(buf.getvalue())
