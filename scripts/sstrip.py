#!/usr/bin/env python3
"""Drops an ELF file's section headers and everything after its last segment.

The kernel loads only program headers (segments); section headers serve linkers
and debuggers. A stripped static binary keeps ~500 bytes of them. This is what
ELFkickers' `sstrip` does; binutils 2.40 here has no equivalent.
Handles ELF32 and ELF64, either byte order (armv7 and i686 are ELF32, s390x is
big-endian).
Usage: sstrip.py IN OUT
"""
import struct
import sys

src, dst = sys.argv[1], sys.argv[2]
data = bytearray(open(src, "rb").read())
if data[:4] != b"\x7fELF" or data[4] not in (1, 2) or data[5] not in (1, 2):
    sys.exit(f"sstrip: {src}: not an ELF file")
end = "<" if data[5] == 1 else ">"
if data[4] == 2:  # ELF64: header and program-header field offsets, address format
    addr, e_phoff, e_shoff, e_phentsize, p_offset, p_filesz = "Q", 0x20, 0x28, 0x36, 0x08, 0x20
else:  # ELF32
    addr, e_phoff, e_shoff, e_phentsize, p_offset, p_filesz = "I", 0x1C, 0x20, 0x2A, 0x04, 0x10
(phoff,) = struct.unpack_from(end + addr, data, e_phoff)
phentsize, phnum = struct.unpack_from(end + "HH", data, e_phentsize)
last = phoff + phentsize * phnum
for i in range(phnum):
    ph = phoff + i * phentsize
    (offset,) = struct.unpack_from(end + addr, data, ph + p_offset)
    (filesz,) = struct.unpack_from(end + addr, data, ph + p_filesz)
    last = max(last, offset + filesz)
del data[last:]
# e_shoff = 0; e_shentsize = e_shnum = e_shstrndx = 0 (they follow e_phnum): no section headers.
struct.pack_into(end + addr, data, e_shoff, 0)
struct.pack_into(end + "HHH", data, e_phentsize + 4, 0, 0, 0)
open(dst, "wb").write(data)
