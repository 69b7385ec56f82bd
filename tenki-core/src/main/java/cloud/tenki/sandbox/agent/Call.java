package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.TenkiException;
import java.time.Duration;

/**
 * Everything one tool call needs: the toolkit's settings, the conversation, the checked arguments
 * and the caller's listener and cancellation. Used by one thread.
 */
final class Call {
  final Settings settings;
  final Conversations conversations;
  final Conversation conversation;
  final ToolArgs args;
  final OutputListener listener;
  final Cancellation cancellation;

  Call(
      Settings settings,
      Conversations conversations,
      Conversation conversation,
      ToolArgs args,
      CallOptions options) {
    this.settings = settings;
    this.conversations = conversations;
    this.conversation = conversation;
    this.args = args;
    this.listener = options.listener();
    this.cancellation = options.cancellation();
  }

  boolean cancelled() {
    return cancellation != null && cancellation.isCancelled();
  }

  /** The conversation's sandbox for a call that may run for {@code callTime}. */
  Lease lease(Duration callTime) {
    return conversation.acquire(callTime);
  }

  /** A lease for a quick call (file operations, status). */
  Lease lease() {
    return lease(Duration.ofMinutes(1));
  }

  /**
   * The error result for a backend failure midway through a call on {@code lease}, telling the
   * model if the sandbox itself is gone.
   */
  ToolFailure failure(String what, TenkiException e, Lease lease) {
    String msg = conversations.failure(what, e);
    return new ToolFailure(msg + (lease == null ? "" : lease.afterFailure()));
  }

  /** Keeps ids, tokens and host paths out of text that came from the backend. */
  String scrub(String text) {
    return Messages.scrub(text, conversations.sandboxIds());
  }
}
