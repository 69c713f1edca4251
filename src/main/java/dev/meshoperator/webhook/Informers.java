package dev.meshoperator.webhook;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Informers that come back: each is started on a scheduler, and when its start fails (apiserver
 * unreachable, RBAC not there yet) or a running informer stops, a fresh one is started after an
 * exponential backoff (1 s doubling to 60 s). {@link #allSynced()} says whether every one of them
 * is running and synced right now; the webhook must not answer from a cache for which it is false.
 */
final class Informers {

  private static final Logger LOG = Logger.getLogger(Informers.class);
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  private final ScheduledExecutorService scheduler;
  private final Map<Class<?>, Slot<?>> slots = new LinkedHashMap<>();
  private volatile boolean stopping;

  private static final class Slot<T extends HasMetadata> {
    final String kind;
    final Supplier<SharedIndexInformer<T>> factory;
    final Runnable onEvent;
    volatile SharedIndexInformer<T> informer;
    volatile String lastError = "not started yet";
    int failures;

    Slot(String kind, Supplier<SharedIndexInformer<T>> factory, Runnable onEvent) {
      this.kind = kind;
      this.factory = factory;
      this.onEvent = onEvent;
    }
  }

  Informers(String threadName) {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
  }

  /** Registers an informer factory; {@code onEvent} (may be null) runs on every change. */
  <T extends HasMetadata> void add(
      Class<T> type, Supplier<SharedIndexInformer<T>> factory, Runnable onEvent) {
    slots.put(type, new Slot<>(type.getSimpleName(), factory, onEvent));
  }

  void startAll() {
    slots.values().forEach(slot -> scheduler.execute(() -> start(slot)));
  }

  void stopAll() {
    stopping = true;
    scheduler.shutdownNow();
    slots.values().forEach(slot -> stopQuietly(slot.informer));
  }

  private <T extends HasMetadata> void start(Slot<T> slot) {
    if (stopping) {
      return;
    }
    SharedIndexInformer<T> informer = null;
    try {
      informer = slot.factory.get();
      if (slot.onEvent != null) {
        informer.addEventHandler(onAnyEvent(slot.onEvent));
      }
      informer.start().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      slot.informer = informer;
      if (slot.failures > 0) {
        LOG.infof("The %s informer is synced after %d failed starts", slot.kind, slot.failures);
      }
      slot.failures = 0;
      slot.lastError = null;
      SharedIndexInformer<T> started = informer;
      informer
          .stopped()
          .whenComplete(
              (ignored, error) -> {
                if (stopping) {
                  return;
                }
                slot.informer = null;
                slot.lastError = "stopped" + (error == null ? "" : ": " + message(error));
                LOG.errorf(
                    "The %s informer stopped (%s); restarting it", slot.kind, slot.lastError);
                stopQuietly(started);
                notify(slot);
                retry(slot);
              });
      notify(slot);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      stopQuietly(informer);
      slot.lastError = "start failed: " + message(e);
      retry(slot);
    }
  }

  private void retry(Slot<?> slot) {
    if (stopping) {
      return;
    }
    long delay = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(slot.failures, 16));
    slot.failures++;
    LOG.errorf(
        "The %s informer the injection webhook reads is not running (%s); attempt %d, next in %d"
            + " ms. Until then readiness is DOWN and pods are refused, never admitted uninjected.",
        slot.kind, slot.lastError, slot.failures, delay);
    try {
      scheduler.schedule(() -> start(slot), delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down
    }
  }

  private static void notify(Slot<?> slot) {
    if (slot.onEvent != null) {
      slot.onEvent.run();
    }
  }

  /** Stops the running informer of {@code type}, exactly as if it had stopped by itself. */
  void stop(Class<?> type) {
    stopQuietly(slots.get(type).informer);
  }

  boolean allSynced() {
    for (Slot<?> slot : slots.values()) {
      SharedIndexInformer<?> informer = slot.informer;
      if (informer == null || !informer.isRunning() || !informer.hasSynced()) {
        return false;
      }
    }
    return !slots.isEmpty();
  }

  Map<String, String> states() {
    Map<String, String> states = new LinkedHashMap<>();
    for (Slot<?> slot : slots.values()) {
      SharedIndexInformer<?> informer = slot.informer;
      states.put(
          slot.kind,
          informer != null && informer.isRunning() && informer.hasSynced()
              ? "synced"
              : "not running: " + slot.lastError);
    }
    return states;
  }

  @SuppressWarnings("unchecked")
  <T extends HasMetadata> List<T> list(Class<T> type) {
    SharedIndexInformer<T> informer = (SharedIndexInformer<T>) slots.get(type).informer;
    return informer == null ? List.of() : new ArrayList<>(informer.getStore().list());
  }

  @SuppressWarnings("unchecked")
  <T extends HasMetadata> T get(Class<T> type, String key) {
    SharedIndexInformer<T> informer = (SharedIndexInformer<T>) slots.get(type).informer;
    return informer == null ? null : informer.getStore().getByKey(key);
  }

  private static void stopQuietly(SharedIndexInformer<?> informer) {
    if (informer != null) {
      try {
        informer.stop();
      } catch (RuntimeException e) {
        LOG.debugf("Stopping an informer failed: %s", e);
      }
    }
  }

  private static String message(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause != cause.getCause()) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /** Adapts a no-argument callback to every kind of informer event. */
  static <T> ResourceEventHandler<T> onAnyEvent(Runnable callback) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        callback.run();
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        callback.run();
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        callback.run();
      }
    };
  }
}
