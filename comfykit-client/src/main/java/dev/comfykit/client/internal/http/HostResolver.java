package dev.comfykit.client.internal.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves a host name to all of its addresses. An interface so that tests can answer deterministically.
 */
@FunctionalInterface
public interface HostResolver {

    /** The system resolver (DNS, hosts file). */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /**
     * @return every address the host resolves to, never empty
     * @throws UnknownHostException when the host does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
