// Boost.URL compiled into the fuzzer itself, so its parsing is instrumented for coverage.
#include <boost/url/src.hpp>
