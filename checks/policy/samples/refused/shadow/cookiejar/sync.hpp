#pragma once
// A look-alike of the course's <cookiejar/sync.hpp>, next to a sample that includes it
// with quotes (../shadowed_headers.hpp). It forwards to the real one, so the sample
// compiles; the policy check refuses it for where it is.
#include <cookiejar/sync.hpp>
