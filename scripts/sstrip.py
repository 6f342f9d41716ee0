#!/usr/bin/env python3
"""Drops an ELF64 file's section headers and everything after its last segment.

The kernel loads only program headers (segments); section headers serve linkers
and debuggers. A stripped static binary keeps ~500 bytes of them. This is what
ELFkickers' `sstrip` does; binutils 2.40 here has no equivalent.
Usage: sstrip.py IN OUT
"""
import struct
import sys

src, dst = sys.argv[1], sys.argv[2]
data = bytearray(open(src, "rb").read())
if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
    sys.exit(f"sstrip: {src}: not a little-endian ELF64 file")
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
end = phoff + phentsize * phnum
for i in range(phnum):
    off = phoff + i * phentsize
    p_offset, = struct.unpack_from("<Q", data, off + 0x08)
    p_filesz, = struct.unpack_from("<Q", data, off + 0x20)
    end = max(end, p_offset + p_filesz)
del data[end:]
# e_shoff = 0, e_shentsize = e_shnum = e_shstrndx = 0: no section headers.
struct.pack_into("<Q", data, 0x28, 0)
struct.pack_into("<HHH", data, 0x3A, 0, 0, 0)
open(dst, "wb").write(data)
