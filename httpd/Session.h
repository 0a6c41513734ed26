#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "Gateway.h"

namespace tracegate {

// Limits on what one request may carry.
inline constexpr size_t kHeaderLimit = 8 * 1024;
inline constexpr size_t kBodyLimit = 1024 * 1024;

// One HTTP/1.1 connection: reads requests (each read under a timeout), answers them in
// order through the Gateway, logs one access line per request to stderr. The coroutine
// frame owns the connection, as the session object does in Beast's examples.
asio::awaitable<void> run_session(asio::ip::tcp::socket socket, Gateway& gateway, Metrics& metrics);

}  // namespace tracegate
