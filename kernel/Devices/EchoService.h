#pragma once

// The echo service on virtio-serial port org.tracegate.echo: everything the host sends
// comes back unchanged. It exists to prove the byte stream lossless and flow-controlled.
void echo_service_start();
