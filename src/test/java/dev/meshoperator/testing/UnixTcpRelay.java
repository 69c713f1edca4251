package dev.meshoperator.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A byte relay between a TCP port on loopback and a Unix domain socket, one direction of connection
 * each way round. It carries the apiserver connection into a network namespace without any
 * non-loopback address: the file system is shared by every network namespace, loopback is not.
 *
 * <ul>
 *   <li>{@link #unixToTcp}: in the test JVM (the machine's namespace), accepts on a Unix socket and
 *       connects to {@code 127.0.0.1:port} (the apiserver).
 *   <li>{@link #main} {@code <port> <socket>}: run inside the network namespace ({@code ip netns
 *       exec}), listens on that namespace's {@code 127.0.0.1:port} and connects to the Unix socket.
 * </ul>
 *
 * So a process in the namespace reaches the apiserver at the same {@code https://127.0.0.1:port}
 * (the apiserver's certificate is for 127.0.0.1), TLS end to end through both relays.
 */
public final class UnixTcpRelay {

  private UnixTcpRelay() {}

  /** Starts accepting on {@code socket} (daemon threads); close the channel to stop. */
  public static ServerSocketChannel unixToTcp(Path socket, int port) throws IOException {
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    daemon(
        "relay-accept",
        () -> {
          while (server.isOpen()) {
            SocketChannel in;
            try {
              in = server.accept();
            } catch (IOException e) {
              return;
            }
            try {
              SocketChannel out =
                  SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
              pump(in, out);
            } catch (IOException e) {
              closeQuietly(in);
            }
          }
        });
    return server;
  }

  /**
   * In this JVM: listens on {@code 127.0.0.1:port} and connects each connection to the Unix socket
   * (whose other end, {@code unix-to-tcp} in a namespace, connects to that namespace's port).
   */
  public static ServerSocketChannel tcpToUnix(int port, Path socket) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    daemon(
        "relay-accept-" + port,
        () -> {
          while (server.isOpen()) {
            SocketChannel in;
            try {
              in = server.accept();
            } catch (IOException e) {
              return;
            }
            try {
              SocketChannel out = SocketChannel.open(StandardProtocolFamily.UNIX);
              out.connect(UnixDomainSocketAddress.of(socket));
              pump(in, out);
            } catch (IOException e) {
              closeQuietly(in);
            }
          }
        });
    return server;
  }

  /**
   * Inside a network namespace ({@code ip netns exec}), one or more rules:
   *
   * <ul>
   *   <li>{@code <port> <unix socket>}: listens on 127.0.0.1:port, connects to the socket;
   *   <li>{@code unix-to-tcp <unix socket> <ip:port>}: accepts on the socket, connects to ip:port;
   *   <li>{@code tcp-to-tcp <ip:port> <ip:port>}: listens on the first, connects to the second
   *       (kube-proxy's ClusterIP port to target port).
   * </ul>
   *
   * Prints one "relay listening" line once every listener is bound, then runs until killed.
   */
  public static void main(String[] args) throws Exception {
    List<String> bound = new ArrayList<>();
    for (int i = 0; i < args.length; ) {
      switch (args[i]) {
        case "unix-to-tcp" -> {
          Path socket = Path.of(args[i + 1]);
          InetSocketAddress target = address(args[i + 2]);
          Files.deleteIfExists(socket);
          ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
          server.bind(UnixDomainSocketAddress.of(socket));
          acceptLoop(server, () -> SocketChannel.open(target));
          bound.add(socket + " -> " + args[i + 2]);
          i += 3;
        }
        case "tcp-to-tcp" -> {
          InetSocketAddress target = address(args[i + 2]);
          ServerSocketChannel server = ServerSocketChannel.open();
          server.bind(address(args[i + 1]));
          acceptLoop(server, () -> SocketChannel.open(target));
          bound.add(args[i + 1] + " -> " + args[i + 2]);
          i += 3;
        }
        default -> {
          int port = Integer.parseInt(args[i]);
          Path socket = Path.of(args[i + 1]);
          ServerSocketChannel server = ServerSocketChannel.open();
          server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
          acceptLoop(
              server,
              () -> {
                SocketChannel out = SocketChannel.open(StandardProtocolFamily.UNIX);
                out.connect(UnixDomainSocketAddress.of(socket));
                return out;
              });
          bound.add("127.0.0.1:" + port + " -> " + socket);
          i += 2;
        }
      }
    }
    System.out.println("relay listening " + String.join(", ", bound));
    System.out.flush();
    Thread.currentThread().join();
  }

  private interface Connector {
    SocketChannel connect() throws IOException;
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private static void acceptLoop(ServerSocketChannel server, Connector connector) {
    daemon(
        "relay-accept",
        () -> {
          while (server.isOpen()) {
            SocketChannel in;
            try {
              in = server.accept();
            } catch (IOException e) {
              return;
            }
            try {
              pump(in, connector.connect());
            } catch (IOException e) {
              closeQuietly(in);
            }
          }
        });
  }

  private static void pump(SocketChannel a, SocketChannel b) {
    // Both channels are closed once both directions have ended (half-closes pass through).
    var open = new java.util.concurrent.atomic.AtomicInteger(2);
    Runnable done =
        () -> {
          if (open.decrementAndGet() == 0) {
            closeQuietly(a);
            closeQuietly(b);
          }
        };
    daemon("relay-up", () -> copy(a, b, done));
    daemon("relay-down", () -> copy(b, a, done));
  }

  private static void copy(SocketChannel from, SocketChannel to, Runnable done) {
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    try {
      while (from.read(buf) >= 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          to.write(buf);
        }
        buf.clear();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    } finally {
      done.run();
    }
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
