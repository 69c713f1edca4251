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

  /** Inside the network namespace: {@code UnixTcpRelay <port> <unix socket>}. */
  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    Path socket = Path.of(args[1]);
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      System.out.println("relay listening on 127.0.0.1:" + port + " -> " + socket);
      System.out.flush();
      while (true) {
        SocketChannel in = server.accept();
        try {
          SocketChannel out = SocketChannel.open(StandardProtocolFamily.UNIX);
          out.connect(UnixDomainSocketAddress.of(socket));
          pump(in, out);
        } catch (IOException e) {
          closeQuietly(in);
        }
      }
    }
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
