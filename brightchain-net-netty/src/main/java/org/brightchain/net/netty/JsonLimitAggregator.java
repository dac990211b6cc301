package org.brightchain.net.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link HttpObjectAggregator} whose answer to an oversize body is a JSON 413. */
final class JsonLimitAggregator extends HttpObjectAggregator {
  private static final Logger log = LoggerFactory.getLogger(JsonLimitAggregator.class);

  private final int maxBytes;

  JsonLimitAggregator(int maxBytes) {
    super(maxBytes);
    this.maxBytes = maxBytes;
  }

  /** Answers {@code Expect: 100-continue} for a body declared too large with a JSON 413. */
  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object r = super.newContinueResponse(start, maxContentLength, pipeline);
    if (r instanceof FullHttpResponse res
        && res.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
      log.info("request body declared over {} bytes: 413", maxBytes);
      FullHttpResponse json =
          HttpResponses.json(
              413,
              "{\"error\":\"payload_too_large\",\"message\":\"request body larger than "
                  + maxBytes
                  + " bytes\"}");
      json.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      return json;
    }
    return r;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    log.info("request body from {} over {} bytes: 413", ctx.channel().remoteAddress(), maxBytes);
    HttpResponses.errorAndLinger(
        ctx, 413, "payload_too_large", "request body larger than " + maxBytes + " bytes");
  }
}
