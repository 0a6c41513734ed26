#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "Gateway.h"
#include "RequestLimits.h"

namespace tracegate {

// One HTTP/1.1 connection: reads requests (each read under a timeout), answers them in
// order through the Gateway, logs one access line per request to stderr. The coroutine
// frame owns the connection, as the session object does in Beast's examples.
asio::awaitable<void> run_session(asio::ip::tcp::socket socket, Gateway& gateway, Metrics& metrics);

}  // namespace tracegate
