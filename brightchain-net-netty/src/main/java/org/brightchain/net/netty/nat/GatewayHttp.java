package org.brightchain.net.netty.nat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;

/**
 * HTTP to a UPnP gateway: HTTP/1.1 only, never through a proxy, never following a redirect (which
 * could lead off the LAN), a connect timeout and an overall deadline that covers the whole answer,
 * and a cap on its size. Blocking: runs on a mapper's thread.
 */
final class GatewayHttp {
  /** Largest answer read: device descriptions are a few kilobytes. */
  static final int MAX_BODY = 64 * 1024;

  private final HttpClient client;
  private final String method;

  GatewayHttp(Duration connectTimeout, String method) {
    this.method = method;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(connectTimeout)
            .build();
  }

  /** An answer: status and body. */
  record Response(int status, byte[] body) {}

  Response get(URI uri, Duration timeout, boolean heard) throws PortMappingException {
    return send(
        HttpRequest.newBuilder(uri).GET().header("Accept", "text/xml").timeout(timeout).build(),
        timeout,
        heard);
  }

  Response post(URI uri, String soapAction, String xml, Duration timeout, boolean heard)
      throws PortMappingException {
    HttpRequest r =
        HttpRequest.newBuilder(uri)
            .POST(HttpRequest.BodyPublishers.ofString(xml, StandardCharsets.UTF_8))
            .header("Content-Type", "text/xml; charset=\"utf-8\"")
            .header("SOAPAction", "\"" + soapAction + "\"")
            .timeout(timeout)
            .build();
    return send(r, timeout, heard);
  }

  private Response send(HttpRequest request, Duration timeout, boolean heard)
      throws PortMappingException {
    String where = request.uri().getHost() + ":" + request.uri().getPort();
    CompletableFuture<HttpResponse<byte[]>> f =
        client.sendAsync(request, info -> new Limited(MAX_BODY));
    try {
      HttpResponse<byte[]> r = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Response(r.statusCode(), r.body());
    } catch (TimeoutException e) {
      f.cancel(true);
      throw silent(where, timeout, heard, e);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new PortMappingException(Reason.TIMEOUT, method, -1, "interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof HttpConnectTimeoutException
          || c instanceof java.net.http.HttpTimeoutException) {
        throw silent(where, timeout, heard, c);
      }
      if (c instanceof ConnectException) {
        throw new PortMappingException(
            Reason.NO_GATEWAY,
            method,
            -1,
            "cannot connect to " + where + " (" + c.getMessage() + ")",
            c);
      }
      if (c instanceof TooLarge) {
        throw new PortMappingException(
            Reason.PROTOCOL_ERROR,
            method,
            -1,
            "answer from " + where + " larger than " + MAX_BODY + " bytes",
            c);
      }
      throw new PortMappingException(
          heard ? Reason.GATEWAY_ERROR : Reason.NO_GATEWAY,
          method,
          -1,
          "HTTP to " + where + " failed: " + Texts.clean(String.valueOf(c), 160),
          c);
    }
  }

  private PortMappingException silent(
      String where, Duration timeout, boolean heard, Throwable cause) {
    return new PortMappingException(
        heard ? Reason.TIMEOUT : Reason.NO_GATEWAY,
        method,
        -1,
        where + " did not answer within " + timeout.toMillis() + " ms",
        cause);
  }

  /** A body too large to read. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(int max) {
      super("larger than " + max + " bytes");
    }
  }

  /** Collects a body, and gives up (cancelling the exchange) past {@code max} bytes. */
  private static final class Limited implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int max;
    private Flow.Subscription subscription;

    Limited(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (out.size() + b.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(new TooLarge(max));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
