"""The C test programs and their build script (tests/c/build.py), importable by the tests as `c.build`."""
