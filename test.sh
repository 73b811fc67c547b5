#!/bin/sh
# The test command: dependencies, build, then every test (unit, then netns).
set -e
cd "$(dirname "$0")"
./scripts/install-deps.sh
./scripts/build.sh
make check -j1 || { cat tests/unit_tests/*.log tests/netns/*.log 2>/dev/null | tail -n 200; exit 1; }
# every parser's libFuzzer harness, briefly (a crash or leak fails the run)
# (77 = SKIP: clang/libFuzzer missing, which install-deps.sh provides)
tests/fuzz/run.sh 10 || [ $? = 77 ]
