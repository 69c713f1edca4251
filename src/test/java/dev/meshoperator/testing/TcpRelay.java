package dev.meshoperator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay standing in for a Service in front of several replicas: each connection goes
 * to the next backend in turn, and to the one after when that one refuses (a stopped replica, as
 * kube-proxy stops sending to a pod whose readiness failed). TLS passes through untouched.
 */
public final class TcpRelay implements AutoCloseable {

  private final ServerSocket server;
  private volatile List<Integer> backends;
  private final AtomicInteger next = new AtomicInteger();
  private final Thread acceptor;

  public TcpRelay(List<Integer> backendPorts) throws IOException {
    this.backends = List.copyOf(backendPorts);
    this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "tcp-relay-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Replaces the backends (new connections only), as endpoints change when a replacement pod
   * becomes Ready: a replica is added once it is ready, never while it still starts.
   */
  public void backends(List<Integer> backendPorts) {
    this.backends = List.copyOf(backendPorts);
  }

  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> relay(client), "tcp-relay-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void relay(Socket client) {
    Socket backend = connect();
    if (backend == null) {
      close(client);
      return;
    }
    Thread up = pipe(client, backend);
    Thread down = pipe(backend, client);
    try {
      up.join();
      down.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      close(client);
      close(backend);
    }
  }

  private Socket connect() {
    List<Integer> backends = this.backends;
    int start = Math.floorMod(next.getAndIncrement(), backends.size());
    for (int i = 0; i < backends.size(); i++) {
      int port = backends.get((start + i) % backends.size());
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        return s;
      } catch (IOException refused) {
        close(s);
      }
    }
    return null;
  }

  private static Thread pipe(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                byte[] buf = new byte[16384];
                for (int n; (n = in.read(buf)) >= 0; ) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException ignored) {
                // The peer went away: end both directions.
              } finally {
                close(from);
                close(to);
              }
            },
            "tcp-relay-pipe");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
