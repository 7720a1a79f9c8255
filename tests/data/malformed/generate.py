#!/usr/bin/env python3
"""Writes the malformed-CSV corpus that DatasetServiceTests feeds to the importer.

Each file is one way a real file goes wrong; expected.tsv names the message each must produce
(a fragment of it, including the line and column where there is one). Run from this folder.
"""
import zlib

ONE_MIB = 1 << 20
files = {
    "empty.csv": b"",
    "only-bom.csv": b"\xef\xbb\xbf",
    "header-only.csv": b"a,b,c\n",
    "bom-header-only.csv": b"\xef\xbb\xbfa,b\r\n",
    "ragged-short-row.csv": b"a,b,c\n1,2,3\n4,5\n",
    "ragged-long-row.csv": b"a,b\n1,2\n3,4,5\n",
    "ragged-row-102.csv": b"id,v\n" + b"".join(b"%d,%d\n" % (i, i * 2) for i in range(100)) + b"100\n",
    "unclosed-quote.csv": b"a,b\n1,\"open\n2,3\n",
    "unclosed-quote-in-header.csv": b"\"a,b\n1,2\n",
    "text-after-closing-quote.csv": b"a,b\n1,\"x\"y\n",
    "invalid-utf8.csv": b"a,b\n1,\xff\xfe\n",
    "latin-1.csv": "name,city\nJos\u00e9,Z\u00fcrich\n".encode("latin-1"),
    "windows-1252-quotes.csv": b"a,b\n1,\x93quoted\x94\n",
    "truncated-utf8.csv": b"a,b\n1,caf\xc3",
    "overlong-utf8.csv": b"a,b\n1,\xc0\xaf\n",
    "utf8-surrogate.csv": b"a,b\n1,\xed\xa0\x80\n",
    "utf-16.csv": "a,b\n1,2\n".encode("utf-16"),
    "nul-in-field.csv": b"a,b\n1,x\x00y\n",
    "zip-archive.csv": b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    "elf-executable.csv": b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00",
    "gzip-compressed.csv": b"\x1f\x8b\x08\x00" + zlib.compress(b"a,b\n1,2\n"),
    "field-over-1mib.csv": b"a,b\n1," + b"x" * (ONE_MIB + 1) + b"\n",
    "quoted-field-over-1mib.csv": b"a,b\n1,\"" + b"y" * (ONE_MIB + 1) + b"\"\n",
    "10001-columns.csv": b",".join(b"c%d" % i for i in range(10001)) + b"\n" + b",".join(b"1" for _ in range(10001)) + b"\n",
}
for name, data in files.items():
    with open(name, "wb") as f:
        f.write(data)
