package dev.meshoperator.webhook;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much of the heap admission bodies may hold at once. Every request takes one of {@code
 * maxInFlight} slots (its first {@link #SMALL} bytes come with the slot); what a body holds beyond
 * that comes from a shared budget of {@code largeBytes}. Real AdmissionReviews for pods are a few
 * KiB, so they only ever need a slot: a flood of large bodies exhausts the large budget and is
 * refused, while small requests keep going. Worst case held: {@code maxInFlight * SMALL +
 * largeBytes} (by default 512 * 64 KiB + 32 MiB = 64 MiB).
 */
final class BodyBudget {

  static final int SMALL = 64 * 1024;

  private final int maxInFlight;
  private final long largeBytes;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong largeUsed = new AtomicLong();

  BodyBudget(int maxInFlight, long largeBytes) {
    this.maxInFlight = maxInFlight;
    this.largeBytes = largeBytes;
  }

  /** One request's share; null when every slot is taken. */
  Lease open() {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return null;
    }
    return new Lease();
  }

  int inFlight() {
    return inFlight.get();
  }

  long largeUsed() {
    return largeUsed.get();
  }

  final class Lease implements AutoCloseable {
    private long large;
    private boolean closed;

    /** Makes room for a body of {@code length} bytes; false if the shared budget is exhausted. */
    boolean grow(long length) {
      long needed = Math.max(0, length - SMALL) - large;
      if (needed <= 0) {
        return true;
      }
      // Reserve in 64 KiB steps, so a body arriving in small chunks costs few atomic updates.
      long step = Math.max(needed, SMALL);
      while (true) {
        long used = largeUsed.get();
        if (used + step > largeBytes) {
          if (used + needed > largeBytes) {
            return false;
          }
          step = needed;
        }
        if (largeUsed.compareAndSet(used, used + step)) {
          large += step;
          return true;
        }
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        largeUsed.addAndGet(-large);
        inFlight.decrementAndGet();
      }
    }
  }
}
