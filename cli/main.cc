// Placeholder entry point until the CLI lands (replaced by cli/ files).
#include "capstan_version.h"
#include <cstdio>
int main() { std::puts("capstan " CAPSTAN_VERSION); return 0; }
