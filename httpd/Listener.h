#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "Gateway.h"

namespace tracegate {

// Accepts HTTP connections and starts one session per connection.
asio::awaitable<void> listen(asio::ip::tcp::acceptor& acceptor, Gateway& gateway, Metrics& metrics);

}  // namespace tracegate
