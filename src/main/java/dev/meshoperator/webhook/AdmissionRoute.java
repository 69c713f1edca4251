package dev.meshoperator.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshoperator.config.OperatorConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * {@code POST /inject}, the admission.k8s.io/v1 endpoint the apiserver calls for every pod it
 * creates, as a plain Vert.x route rather than a JAX-RS resource: the body is read on the event
 * loop chunk by chunk, so a slow client holds no worker thread, and it is bounded while it arrives
 * (never buffered whole before a size check). A complete body of at most {@code
 * mesh-operator.webhook.event-loop-max-bytes} (32 KiB: nearly every real pod) is answered right
 * there on the event loop: the hand-off to a worker thread and back cost 0.05-0.3 ms of the
 * operator's CPU per request in WebhookProcessBenchIT, and a small review holds up the other
 * connections of its event loop only briefly. A larger one goes to a worker.
 *
 * <p>Bounds, each answered with a plain-text refusal (the apiserver treats any non-200 as a failed
 * call, so these only ever hit abusive or broken clients):
 *
 * <ul>
 *   <li>413 for a body over {@code mesh-operator.webhook.max-body-bytes} (4 MiB; Istio's injector
 *       refuses over 6 MiB, and etcd stores objects of at most 1.5 MiB), at once when
 *       Content-Length says so, otherwise as soon as the bytes received pass it;
 *   <li>408 and the connection closed when the body has not arrived within {@code
 *       mesh-operator.webhook.body-timeout} (the apiserver gives up after at most 30 s anyway);
 *   <li>503 with Retry-After when {@link BodyBudget} has no room: at most {@code max-in-flight}
 *       requests at a time, and a shared budget for the part of bodies beyond 64 KiB, so many large
 *       bodies cannot take the memory the small real ones need;
 *   <li>415 for a Content-Type other than JSON, 400 for an empty body.
 * </ul>
 */
@ApplicationScoped
public class AdmissionRoute {

  private static final Logger LOG = Logger.getLogger(AdmissionRoute.class);

  private final AdmissionHandler handler;
  private final OperatorConfig config;
  private final MeterRegistry meters;
  private final BodyBudget budget;

  public AdmissionRoute(AdmissionHandler handler, OperatorConfig config, MeterRegistry meters) {
    this.handler = handler;
    this.config = config;
    this.meters = meters;
    var w = config.webhook();
    this.budget = new BodyBudget(w.maxInFlight(), w.largeBodyBudgetBytes());
  }

  void register(@Observes Router router) {
    router.post(config.webhook().path()).handler(this::handle);
  }

  BodyBudget budget() {
    return budget;
  }

  private void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    int max = config.webhook().maxBodyBytes();
    String type = req.getHeader("Content-Type");
    if (type != null && !isJson(type)) {
      refuse(ctx, 415, "content-type", "expected Content-Type application/json, got " + type);
      return;
    }
    long declared = contentLength(req);
    if (declared > max) {
      refuse(ctx, 413, "too-large", "body of " + declared + " bytes exceeds " + max);
      drainThenClose(ctx, declared);
      return;
    }
    if (declared == 0) {
      refuse(ctx, 400, "empty", "empty body: expected an AdmissionReview");
      return;
    }
    BodyBudget.Lease lease = budget.open();
    if (lease == null) {
      ctx.response().putHeader("Retry-After", "1");
      refuse(ctx, 503, "overloaded", "too many admission requests in flight, retry shortly");
      return;
    }
    // The chunks as they came (small, short-lived), joined into one array only once the body is
    // complete: a refused body never grew a multi-MiB buffer.
    var state =
        new Object() {
          java.util.List<Buffer> chunks = new java.util.ArrayList<>();
          int length;
          boolean finished;
          long timer;
        };
    Runnable finish =
        () -> {
          if (!state.finished) {
            state.finished = true;
            ctx.vertx().cancelTimer(state.timer);
            lease.close();
          }
        };
    state.timer =
        ctx.vertx()
            .setTimer(
                config.webhook().bodyTimeout().toMillis(),
                id -> {
                  if (!state.finished) {
                    finish.run();
                    refuse(ctx, 408, "timeout", "the request body did not arrive in time");
                  }
                });
    req.exceptionHandler(e -> finish.run());
    req.handler(
        chunk -> {
          if (state.finished) {
            return;
          }
          int length = state.length + chunk.length();
          if (length > max) {
            finish.run();
            refuse(ctx, 413, "too-large", "body exceeds " + max + " bytes");
            drainThenClose(ctx, 2L * max);
          } else if (!lease.grow(length)) {
            finish.run();
            ctx.response().putHeader("Retry-After", "1");
            refuse(ctx, 503, "overloaded", "too many large admission requests in flight");
          } else {
            state.chunks.add(chunk);
            state.length = length;
          }
        });
    Runnable complete =
        () -> {
          if (state.finished) {
            return;
          }
          ctx.vertx().cancelTimer(state.timer);
          byte[] bytes = new byte[state.length];
          int at = 0;
          for (Buffer chunk : state.chunks) {
            chunk.getBytes(bytes, at);
            at += chunk.length();
          }
          state.chunks = null;
          if (bytes.length == 0) {
            finish.run();
            refuse(ctx, 400, "empty", "empty body: expected an AdmissionReview");
            return;
          }
          if (bytes.length <= config.webhook().eventLoopMaxBytes()) {
            // Small (nearly every real pod): answered right here, on the event loop.
            Buffer answer;
            try {
              answer = answer(bytes);
            } catch (RuntimeException | StackOverflowError e) {
              finish.run();
              LOG.error("Admission review failed unexpectedly", e);
              refuse(ctx, 500, "error", "injection failed");
              return;
            }
            finish.run();
            ctx.response().putHeader(CONTENT_TYPE, APPLICATION_JSON).end(answer);
            return;
          }
          // Large: the injection on a worker (JSON of up to max bytes); the lease is held until
          // the answer is written, so queued work counts against the budget too.
          ctx.vertx()
              .executeBlocking(() -> answer(bytes), false)
              .onComplete(
                  ar -> {
                    finish.run();
                    if (ar.succeeded()) {
                      ctx.response().putHeader(CONTENT_TYPE, APPLICATION_JSON).end(ar.result());
                    } else {
                      LOG.error("Admission review failed unexpectedly", ar.cause());
                      refuse(ctx, 500, "error", "injection failed");
                    }
                  });
        };
    req.endHandler(v -> complete.run());
    // An empty HTTP/2 request (HEADERS with END_STREAM) may have ended before this route ran:
    // its end event is not delivered again.
    if (req.isEnded()) {
      complete.run();
    } else {
      req.resume();
    }
  }

  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
  private static final CharSequence APPLICATION_JSON =
      HttpHeaders.createOptimized("application/json");

  /** The answer's UTF-8 bytes, written straight into the buffer Vert.x sends (no String). */
  private Buffer answer(byte[] review) {
    ObjectNode answer = handler.review(review);
    Buffer out = Buffer.buffer(1024);
    try (var stream = new BufferOutputStream(out)) {
      JSON.writeValue(stream, answer);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An OutputStream onto a Vert.x Buffer. */
  private static final class BufferOutputStream extends java.io.OutputStream {
    private final Buffer buffer;

    BufferOutputStream(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buffer.appendBytes(b, off, len);
    }
  }

  private void refuse(RoutingContext ctx, int status, String reason, String message) {
    meters.counter("istio_operator_webhook_http_refused", "reason", reason).increment();
    var response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    boolean http1 = ctx.request().version() != HttpVersion.HTTP_2;
    if (http1) {
      // The rest of the body is not wanted: the connection is not kept.
      response.putHeader("Connection", "close");
    } else if (!ctx.request().isEnded()) {
      // No more flow-control credit for this stream; others go on. (Pausing a request that has
      // already ended, such as an empty HTTP/2 one, throws and would leave it unanswered.)
      ctx.request().pause();
    }
    var written =
        response.setStatusCode(status).putHeader("Content-Type", "text/plain").end(message);
    if (http1 && !"too-large".equals(reason)) {
      written.onComplete(v -> ctx.request().connection().close());
    }
  }

  /**
   * After a 413 on HTTP/1.x: discard what the client still sends (at most {@code upTo} bytes, at
   * most {@link #DRAIN}), then close. A client that writes its whole body before reading (most do)
   * then gets to read the refusal instead of a broken pipe; nothing is kept in memory.
   */
  private void drainThenClose(RoutingContext ctx, long upTo) {
    HttpServerRequest req = ctx.request();
    if (req.version() == HttpVersion.HTTP_2) {
      return;
    }
    var connection = req.connection();
    if (req.isEnded()) {
      ctx.response().endHandler(v -> connection.close());
      return;
    }
    long[] seen = {0};
    long timer = ctx.vertx().setTimer(DRAIN.toMillis(), id -> connection.close());
    req.handler(
        chunk -> {
          seen[0] += chunk.length();
          if (seen[0] > upTo) {
            ctx.vertx().cancelTimer(timer);
            connection.close();
          }
        });
    req.endHandler(
        v -> {
          ctx.vertx().cancelTimer(timer);
          connection.close();
        });
    req.resume();
  }

  /** Longest a refused client may go on sending before its connection is closed. */
  static final java.time.Duration DRAIN = java.time.Duration.ofSeconds(5);

  private static boolean isJson(String contentType) {
    String t = contentType.toLowerCase(Locale.ROOT).trim();
    int semicolon = t.indexOf(';');
    String base = (semicolon < 0 ? t : t.substring(0, semicolon)).trim();
    return base.equals("application/json") || base.equals("*/*");
  }

  private static long contentLength(HttpServerRequest req) {
    String value = req.getHeader("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
