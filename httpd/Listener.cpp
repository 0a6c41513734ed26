#include "Listener.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "Session.h"

namespace tracegate {

asio::awaitable<void> listen(asio::ip::tcp::acceptor& acceptor, Gateway& gateway,
                             Metrics& metrics) {
  for (;;) {
    boost::system::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) continue;  // EMFILE and the like: the next accept may succeed
    asio::co_spawn(acceptor.get_executor(), run_session(std::move(socket), gateway, metrics),
                   asio::detached);
  }
}

}  // namespace tracegate
