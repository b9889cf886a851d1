#!/usr/bin/python3
"""The dependency rule of the layers (docs/ARCHITECTURE.md), checked on every #include.

    domain/   the standard library and domain/ (phone.cpp and password/strength.cpp also wrap
              libphonenumber and zxcvbn, pure libraries, and network_address.cpp libc's
              inet_pton)
    service/  the standard library, domain/ and service/
    api/      anything but infra/ and app/
    infra/    anything but service/, api/ and app/
    app/      everything: the composition root is the one place that sees every layer

Usage: layers.py [ROOT]; prints each include that breaks the rule and exits 1 if any does.
"""
import os
import re
import sys

STANDARD = set("""
algorithm any array atomic barrier bit bitset cassert cctype cerrno cfenv cfloat charconv chrono cinttypes
climits clocale cmath codecvt compare complex concepts condition_variable coroutine csetjmp csignal cstdarg
cstddef cstdint cstdio cstdlib cstring ctime cuchar cwchar cwctype deque exception execution expected filesystem
format forward_list fstream functional future initializer_list iomanip ios iosfwd iostream istream iterator
latch limits list locale map memory memory_resource mutex new numbers numeric optional ostream queue random
ranges ratio regex scoped_allocator semaphore set shared_mutex source_location span sstream stack stdexcept
stop_token streambuf string string_view syncstream system_error thread tuple type_traits typeindex typeinfo
unordered_map unordered_set utility valarray variant vector version
""".split())

# layer → (project folders it may include, whether other libraries are allowed)
RULES = {
    "domain": ({"domain"}, False),
    "service": ({"domain", "service"}, False),
    "api": ({"domain", "service", "api"}, True),
    "infra": ({"domain", "infra"}, True),
    "app": ({"domain", "service", "api", "infra", "app"}, True),
}
PROJECT = set(RULES)
# Pure libraries a domain file wraps behind its own interface.
WRAPPED = {
    "domain/phone.cpp": {"phonenumbers/phonenumberutil.h"},
    "domain/password/strength.cpp": {"zxcvbn.h"},
    "domain/network_address.cpp": {"arpa/inet.h"},  # libc's inet_pton/inet_ntop: pure conversions
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def problems(root):
    for layer, (folders, libraries) in RULES.items():
        for folder, _, files in os.walk(os.path.join(root, layer)):
            for name in sorted(files):
                if not name.endswith((".hpp", ".cpp", ".h")):
                    continue
                path = os.path.join(folder, name)
                relative = os.path.relpath(path, root)
                with open(path, encoding="utf-8") as f:
                    for number, line in enumerate(f, 1):
                        match = INCLUDE.match(line)
                        if not match:
                            continue
                        header = match.group(2)
                        top = header.split("/")[0]
                        if top in PROJECT:
                            allowed = top in folders
                        elif match.group(1) == "<" and header in STANDARD:
                            allowed = True
                        else:
                            allowed = libraries or header in WRAPPED.get(relative, set())
                        if not allowed:
                            yield f"{relative}:{number}: {layer}/ may not include {header}"


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    found = list(problems(root))
    for p in found:
        print(p)
    if found:
        print(f"{len(found)} include(s) break the dependency rule (test/lint/layers.py)")
        return 1
    print("every include follows the dependency rule")
    return 0


if __name__ == "__main__":
    sys.exit(main())
