#pragma once
// Refused: a function with C linkage named like ThreadSanitizer's hook for its default
// options. Defined in a check, it could switch the data-race reports off.
#include <cookiejar/sync.hpp>

extern "C" inline const char* __tsan_default_options() { return "report_bugs=0"; }  // POLICY(c_linkage)
