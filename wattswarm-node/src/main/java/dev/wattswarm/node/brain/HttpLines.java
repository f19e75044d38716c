package dev.wattswarm.node.brain;

import dev.wattswarm.node.brain.BrainException.Kind;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One HTTP exchange whose body is read line by line against a deadline. The JDK's request timeout
 * stops at the response headers, and a blocking body read can hang forever on a stalled server,
 * so every event (headers, line, end, failure) goes through a queue we can wait on with a limit.
 * In {@code idle} mode each line renews the deadline: a stream that keeps producing is not cut off,
 * one that stalls for the timeout is.
 */
final class HttpLines implements AutoCloseable {
  private static final Object END = new Object();

  private record Failed(Throwable error) {}

  private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final String what;
  private final String url;
  private final long timeoutMs;
  private final boolean idle;
  private final Function<Kind, String> advice;
  private volatile Flow.Subscription subscription;
  private CompletableFuture<HttpResponse<Void>> future;
  private HttpResponse.ResponseInfo head;
  private long deadline;
  private boolean ended;

  private HttpLines(String what, String url, long timeoutMs, boolean idle, Function<Kind, String> advice) {
    this.what = what;
    this.url = url;
    this.timeoutMs = timeoutMs;
    this.idle = idle;
    this.advice = advice;
    this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  /**
   * Sends the request and waits for the status line and headers.
   *
   * @param what {@code METHOD url}, how messages name the call
   * @throws BrainException REFUSED, TIMEOUT or SERVER when no status arrives
   */
  static HttpLines open(HttpClient http, HttpRequest req, String what, long timeoutMs, boolean idle, Function<Kind, String> advice) {
    HttpLines x = new HttpLines(what, req.uri().toString(), timeoutMs, idle, advice);
    x.future = http.sendAsync(req, info -> {
      x.events.add(info);
      return HttpResponse.BodySubscribers.fromLineSubscriber(x.new Pump(), p -> null, StandardCharsets.UTF_8, null);
    });
    x.future.whenComplete((r, e) -> {
      if (e != null) x.events.add(new Failed(e));
    });
    Object first = x.take("no answer within " + timeoutMs + " ms");
    if (first instanceof Failed f) {
      x.close();
      throw BrainErrors.forIo(what, x.url, f.error(), timeoutMs, advice);
    }
    x.head = (HttpResponse.ResponseInfo) first;
    if (idle) x.renew();
    return x;
  }

  /** {@code METHOD url}, how messages name this exchange. */
  String what() {
    return what;
  }

  String url() {
    return url;
  }

  int status() {
    return head.statusCode();
  }

  Optional<String> header(String name) {
    return head.headers().firstValue(name);
  }

  /** @return the next line without its terminator, or null at the end of the body */
  String nextLine() {
    if (ended) return null;
    Object o = take(idle ? "the stream stalled: nothing arrived for " + timeoutMs + " ms"
        : "the answer did not finish within " + timeoutMs + " ms");
    if (o instanceof String line) {
      if (idle) renew();
      return line;
    }
    ended = true;
    if (o instanceof Failed f) {
      close();
      throw BrainErrors.failure(Kind.MALFORMED, what, url, "the answer broke off mid-body (" + BrainErrors.snippet(String.valueOf(
          f.error().getMessage())) + ")", advice, f.error());
    }
    return null;
  }

  /**
   * The whole body, lines joined with '\n' (which JSON does not mind).
   *
   * @throws BrainException MALFORMED when it is longer than {@code maxChars}
   */
  String readAll(int maxChars) {
    StringBuilder b = new StringBuilder();
    for (String line; (line = nextLine()) != null; ) {
      if (!b.isEmpty()) b.append('\n');
      b.append(line);
      if (b.length() > maxChars) {
        close();
        throw BrainErrors.failure(Kind.MALFORMED, what, url, "the answer is longer than " + maxChars + " characters", advice, null);
      }
    }
    return b.toString();
  }

  /** As much of the body as arrives in time and fits, for error messages; never throws. */
  String readSome(int maxChars) {
    StringBuilder b = new StringBuilder();
    try {
      for (String line; b.length() < maxChars && (line = nextLine()) != null; ) b.append(line).append('\n');
    } catch (BrainException e) {
      // the status already says what went wrong; a partial body is only a bonus
    }
    return b.toString();
  }

  @Override
  public void close() {
    Flow.Subscription s = subscription;
    if (s != null) s.cancel();
    if (future != null) future.cancel(true);
  }

  private void renew() {
    deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  private Object take(String onTimeout) {
    Object o;
    try {
      o = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw BrainErrors.failure(Kind.TIMEOUT, what, url, "interrupted while waiting (the task was cancelled?)", advice, e);
    }
    if (o == null) {
      close();
      throw BrainErrors.failure(Kind.TIMEOUT, what, url, onTimeout, advice, null);
    }
    return o;
  }

  /** Receives the body's lines on the client's threads and queues them for the reader. */
  private final class Pump implements Flow.Subscriber<String> {
    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      events.add(line);
    }

    @Override
    public void onError(Throwable t) {
      events.add(new Failed(t));
    }

    @Override
    public void onComplete() {
      events.add(END);
    }
  }
}
